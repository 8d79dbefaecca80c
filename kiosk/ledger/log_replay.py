"""A rebuild: the whole log applied to empty derived tables at once.

Loans and returns are most of any library's log, so they never pass through
Python one by one: SQLite copies them from the stored payloads into their
tables, Python reads back only their keys to work out which return closes
which loan (``projections``' rule), and the closed loans are marked in one go.
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

# what a forgotten borrower left in the opening for the impact report, else the member's own key
_COPY_LOANS = """INSERT INTO loans (id, library, tool_code, member_code, opened_hlc, opened_device, opened_seq,
        opened_at, due, borrower_tag, borrower_area, borrower_joined)
    SELECT payload ->> '$.loan_id', library, payload ->> '$.tool', payload ->> '$.member', hlc, device, device_seq,
        payload ->> '$.at', payload ->> '$.due',
        coalesce(nullif(payload ->> '$.borrower.tag', ''), borrower_tag(library, payload ->> '$.member')),
        payload ->> '$.borrower.area', payload ->> '$.borrower.joined'
    FROM events WHERE type = 'loan.opened' AND version <= ? ORDER BY seq"""


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
    """Every loan with the return that closes it: for each loan the earliest return naming it, or the
    earliest return of its tool naming no loan after it opened. None, writing nothing, for a log where
    two openings share a loan id or a return names an empty one: the event-by-event rules decide those."""
    conn.create_function("borrower_tag", 2, functools.lru_cache(maxsize=65536)(borrower_tag), deterministic=True)
    conn.create_function("missing_parts", 1, _missing_parts, deterministic=True)
    conn.execute("SAVEPOINT replay_loans")
    try:
        with _indexes_later(conn, ("loans", "returns")):
            conn.execute(_COPY_RETURNS, (EVENT_TYPES["loan.returned"][0],))
            conn.execute(_COPY_LOANS, (EVENT_TYPES["loan.opened"][0],))
            if conn.execute("SELECT 1 FROM returns WHERE loan_id = '' LIMIT 1").fetchone():
                raise sqlite3.IntegrityError("a return names an empty loan id")
            closed = _close_loans(conn, later)
    except sqlite3.IntegrityError:  # a loan id opened twice (the loans' key), or named empty
        conn.execute("ROLLBACK TO replay_loans")
        conn.execute("RELEASE replay_loans")
        return None
    conn.execute("RELEASE replay_loans")
    conn.execute("""UPDATE events SET applied = NOT applied WHERE type IN (?1, ?2)
                    AND applied <> (version <= CASE type WHEN ?1 THEN ?3 ELSE ?4 END)""",
                 (*bulk_apply.LOAN_EVENTS, *(EVENT_TYPES[type_][0] for type_ in bulk_apply.LOAN_EVENTS)))
    # the loans with renewals: only theirs may stand or fall with the return (the members forgetting
    # their history come after, with the other events, and forget the loans returned before they asked)
    later.renewals.update(r[0] for r in conn.execute(
        """SELECT DISTINCT substr(e.entity, 6) FROM events e JOIN loans l ON l.id = substr(e.entity, 6)
           WHERE e.type = 'loan.renewed'"""))
    return closed


def _close_loans(conn: sqlite3.Connection, later: pending.Pending) -> int:
    """Marks every loan closed by its return, and notes every tool lent or returned; returns how many
    loan events were applied."""
    named: dict[str, tuple] = {}
    unnamed: dict[pending.Tool, list[tuple]] = {}
    returns: list[tuple] = []
    cursor = conn.cursor()
    cursor.row_factory = None  # plain tuples: every loan and return read by position, not by name
    for event_id, library, tool, loan_id, hlc, device, seq, at, condition, note in cursor.execute(
            "SELECT event_id, library, tool_code, loan_id, hlc, device, seq, at, condition, note FROM returns"):
        ret = (hlc, device, seq, event_id, at, condition, note)
        returns.append((event_id, library, tool))
        if loan_id:
            earlier = named.get(loan_id)
            if earlier is None or ret < earlier:
                named[loan_id] = ret
        else:
            unnamed.setdefault((library, tool), []).append(ret)
    for rets in unnamed.values():
        rets.sort()
    closures = []
    spans: dict[pending.Tool, list[tuple]] = {}   # tool -> (opened, closed) keys of its loans
    closing: set[tuple] = set()                   # (return, library, tool): returns that closed a loan of their tool
    loans = 0
    for loan_id, library, tool, hlc, device, seq in cursor.execute(
            "SELECT id, library, tool_code, opened_hlc, opened_device, opened_seq FROM loans"):
        loans += 1
        opened, others = (hlc, device, seq), unnamed.get((library, tool))
        closer = bulk_apply.closing_return(named.get(loan_id), others, opened) if others else named.get(loan_id)
        if closer is None:
            spans.setdefault((library, tool), []).append((opened, None))
        else:
            spans.setdefault((library, tool), []).append((opened, closer[:3]))
            closures.append((*closer, loan_id))
            closing.add((closer[3], library, tool))
    conn.executemany(
        """UPDATE loans SET closed_hlc = ?, closed_device = ?, closed_seq = ?, closed_by = ?, closed_at = ?,
               return_condition = ?, return_note = ? WHERE id = ?""", closures)
    unclosing = {(library, tool) for event_id, library, tool in returns if (event_id, library, tool) not in closing}
    for tool in spans.keys() | unclosing:
        later.note_loans(*tool, 0)
    later.no_loan_conflicts.update(tool for tool, keys in spans.items() if tool not in unclosing and not _overlap(keys))
    return loans + len(returns)


def _missing_parts(stored: str | None) -> str:
    """A return's missing parts as ``projections`` stores them, from the payload's JSON of them."""
    return "[]" if stored is None or stored == "[]" else projections.parts_text(json.loads(stored))


def _overlap(keys: list[tuple]) -> bool:
    """Whether any two of a tool's loans, (opened, closed or None) keys, were out at once
    (``projections.settle_loans``' rule: a loan closed at or before the next one opened does not overlap it)."""
    keys = sorted(keys)
    return any(closed is None or closed > after[0] for (_, closed), after in zip(keys, keys[1:]))


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
