"""A rebuild: the whole log applied to empty derived tables at once.

Loans and returns are most of any library's log, so they never pass through
Python one by one: SQLite copies them from the stored payloads into their
tables, each loan with the return that closes it (``projections``' rule), and
Python reads back only their keys to find the tools whose loans overlapped.
Every other event follows in arrival order as ``bulk_apply`` applies a batch.
``tests/ledger/test_bulk_apply.py`` holds this to the tables the
event-by-event rules give.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sqlite3
from typing import Callable, Iterator

from kiosk.ledger import bulk_apply, pending, projections
from kiosk.ledger.events import EVENT_TYPES, Event
from kiosk.ledger.impact import borrower_tag

_COPY_RETURNS = """INSERT INTO returns (event_id, library, tool_code, loan_id, hlc, device, seq, at, condition, note,
        missing_parts)
    SELECT id, library, payload ->> '$.tool', payload ->> '$.loan_id', hlc, device, device_seq, payload ->> '$.at',
        CASE WHEN json_type(payload, '$.condition') IS NULL THEN 'ok' ELSE payload ->> '$.condition' END,
        payload ->> '$.note', CASE WHEN coalesce(payload -> '$.missing_parts', '[]') = '[]' THEN '[]'  -- most: no
            ELSE missing_parts(payload -> '$.missing_parts') END                                        -- call to Python
    FROM events WHERE type = 'loan.returned' AND version <= ? ORDER BY seq"""

# what a forgotten borrower left in the opening for the impact report, else the member's own key; and the
# return that closes the loan (``projections``' rule): the earlier of the earliest return naming it and
# the first return of its tool naming no loan after it opened, each found through an index made for the
# copy (``_CLOSER_INDEXES``)
_COPY_LOANS = """WITH opening AS (
        SELECT payload ->> '$.loan_id' AS id, library, payload ->> '$.tool' AS tool, payload ->> '$.member' AS member,
            hlc, device, device_seq AS seq, payload ->> '$.at' AS at, payload ->> '$.due' AS due,
            payload ->> '$.borrower.tag' AS tag, payload ->> '$.borrower.area' AS area,
            payload ->> '$.borrower.joined' AS joined, seq AS arrival
        FROM events WHERE type = 'loan.opened' AND version <= ?),
    candidate AS (
        SELECT o.*,
            (SELECT event_id FROM returns WHERE loan_id = o.id ORDER BY hlc, device, seq LIMIT 1) AS named,
            (SELECT event_id FROM returns WHERE library = o.library AND tool_code = o.tool AND loan_id IS NULL
                AND (hlc, device, seq) > (o.hlc, o.device, o.seq) ORDER BY hlc, device, seq LIMIT 1) AS unnamed
        FROM opening o)
    INSERT INTO loans (id, library, tool_code, member_code, opened_hlc, opened_device, opened_seq, opened_at, due,
        borrower_tag, borrower_area, borrower_joined, closed_hlc, closed_device, closed_seq, closed_by, closed_at,
        return_condition, return_note)
    SELECT o.id, o.library, o.tool, o.member, o.hlc, o.device, o.seq, o.at, o.due,
        coalesce(nullif(o.tag, ''), borrower_tag(o.library, o.member)), o.area, o.joined,
        c.hlc, c.device, c.seq, c.event_id, c.at, c.condition, c.note
    FROM candidate o LEFT JOIN returns n ON n.event_id = o.named LEFT JOIN returns u ON u.event_id = o.unnamed
    LEFT JOIN returns c ON c.event_id = CASE WHEN u.event_id IS NULL THEN n.event_id
        WHEN n.event_id IS NULL THEN u.event_id
        WHEN (n.hlc, n.device, n.seq) < (u.hlc, u.device, u.seq) THEN n.event_id ELSE u.event_id END
    ORDER BY o.arrival"""
_CLOSER_INDEXES = {
    "replay_named": "returns (loan_id, hlc, device, seq) WHERE loan_id IS NOT NULL",
    "replay_unnamed": "returns (library, tool_code, hlc, device, seq) WHERE loan_id IS NULL",
}


def replay_log(conn: sqlite3.Connection) -> int:
    """Applies the whole log to empty derived tables, inside the caller's transaction; returns the events applied."""
    with pending.deferring(conn) as later:
        lent = _replay_loans(conn, later)
        # None: a log the shortcut does not fit, replayed whole
        where = "" if lent is None else f"WHERE type NOT IN {bulk_apply.LOAN_EVENTS!r}"
        applied = replay(conn, where, lambda event: projections.apply(conn, event))
    bulk_apply.finish(conn, later)
    return applied + (lent or 0)


def replay(conn: sqlite3.Connection, where: str, apply: Callable[[Event], bool]) -> int:
    """Feeds the events in arrival order to ``apply``, keeping each event's ``applied`` flag true to it."""
    applied = 0
    cursor = conn.cursor()
    cursor.row_factory = None  # plain tuples: a million rows read by position, not by name
    for seq, *fields, payload, was_applied in cursor.execute(
            f"""SELECT seq, id, library, device, device_seq, hlc, type, version, entity, payload, applied
                FROM events {where} ORDER BY seq"""):
        known = apply(Event(*fields, json.loads(payload)))
        applied += known
        if known != bool(was_applied):
            conn.execute("UPDATE events SET applied = ? WHERE seq = ?", (int(known), seq))
    return applied


def _replay_loans(conn: sqlite3.Connection, later: pending.Pending) -> int | None:
    """Every return, and every loan with the return that closes it; returns how many loan events were
    applied. None, writing nothing, for a log where two openings share a loan id or a return names an
    empty one: the event-by-event rules decide those."""
    conn.create_function("borrower_tag", 2, functools.lru_cache(maxsize=65536)(borrower_tag), deterministic=True)
    conn.create_function("missing_parts", 1, _missing_parts, deterministic=True)
    conn.execute("SAVEPOINT replay_loans")
    try:
        with _indexes_later(conn, ("loans", "returns")):
            returns = conn.execute(_COPY_RETURNS, (EVENT_TYPES["loan.returned"][0],)).rowcount
            if conn.execute("SELECT 1 FROM returns WHERE loan_id = '' LIMIT 1").fetchone():
                raise sqlite3.IntegrityError("a return names an empty loan id")
            with _indexes_for_now(conn, _CLOSER_INDEXES):
                loans = conn.execute(_COPY_LOANS, (EVENT_TYPES["loan.opened"][0],)).rowcount
    except sqlite3.IntegrityError:  # a loan id opened twice (the loans' key), or named empty
        conn.execute("ROLLBACK TO replay_loans")
        conn.execute("RELEASE replay_loans")
        return None
    _note_lending(conn, later)
    conn.execute("RELEASE replay_loans")
    conn.execute("""UPDATE events SET applied = NOT applied WHERE type IN (?1, ?2)
                    AND applied <> (version <= CASE type WHEN ?1 THEN ?3 ELSE ?4 END)""",
                 (*bulk_apply.LOAN_EVENTS, *(EVENT_TYPES[type_][0] for type_ in bulk_apply.LOAN_EVENTS)))
    # the loans with renewals: only theirs may stand or fall with the return (the members forgetting
    # their history come after, with the other events, and forget the loans returned before they asked)
    later.renewals.update(r[0] for r in conn.execute(
        """SELECT DISTINCT substr(e.entity, 6) FROM events e JOIN loans l ON l.id = substr(e.entity, 6)
           WHERE e.type = 'loan.renewed'"""))
    return loans + returns


def _note_lending(conn: sqlite3.Connection, later: pending.Pending) -> None:
    """Notes every tool lent or returned for its conflicts and status, and which need none worked out:
    those whose loans never overlapped and whose returns each closed one of them."""
    cursor = conn.cursor()
    cursor.row_factory = None  # plain tuples: every loan and return read by position, not by name
    lent: set[pending.Tool] = set()
    overlapping: set[pending.Tool] = set()
    closing: set[tuple] = set()   # (return, library, tool): returns that closed a loan of their tool
    tool, closed = None, None     # the tool of the loan read last, and when that loan was closed
    for library, code, *opened, closed_by, closed_hlc, closed_device, closed_seq in cursor.execute(
            """SELECT library, tool_code, opened_hlc, opened_device, opened_seq, closed_by, closed_hlc, closed_device,
                   closed_seq FROM loans ORDER BY library, tool_code, opened_hlc, opened_device, opened_seq"""):
        if (library, code) != tool:
            tool = (library, code)
            lent.add(tool)
        elif closed is None or closed > tuple(opened):  # out while the one opened before it was
            overlapping.add(tool)
        closed = None if closed_by is None else (closed_hlc, closed_device, closed_seq)
        if closed_by is not None:
            closing.add((closed_by, library, code))
    unclosing = {(library, code) for event_id, library, code in cursor.execute(
        "SELECT event_id, library, tool_code FROM returns") if (event_id, library, code) not in closing}
    for library, code in lent | unclosing:
        later.note_loans(library, code, 0)
    later.no_loan_conflicts.update(lent - unclosing - overlapping)


def _missing_parts(stored: str) -> str:
    """A return's missing parts as ``projections`` stores them, from the payload's JSON of them (the copy
    answers an empty list itself)."""
    return projections.parts_text(json.loads(stored))


@contextlib.contextmanager
def _indexes_for_now(conn: sqlite3.Connection, indexes: dict[str, str]) -> Iterator[None]:
    """Indexes (name -> what it is on) made for one step and dropped after it, whatever happens."""
    for name, on in indexes.items():
        conn.execute(f"CREATE INDEX {name} ON {on}")
    try:
        yield
    finally:
        for name in indexes:
            conn.execute(f"DROP INDEX IF EXISTS {name}")


@contextlib.contextmanager
def _indexes_later(conn: sqlite3.Connection, tables: tuple[str, ...]) -> Iterator[None]:
    """The tables' own indexes dropped while they are filled from empty, then built again: sorting
    every row once costs far less than inserting each into every index as it comes."""
    names = ", ".join("?" * len(tables))
    indexes = conn.execute(f"""SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
                               AND tbl_name IN ({names})""", tables).fetchall()
    for name, _sql in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        for _name, sql in indexes:
            conn.execute(sql)
