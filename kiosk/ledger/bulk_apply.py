"""Applying many events at once (a sync's catch-up; ``log_replay``, the whole log), giving the tables
applying them one by one gives.

Loans and returns are written with one statement per batch, and which return
closes which loan is worked out for the batch together. Every other event
writes its own rows as ``projections.apply`` does. What the events make stale
is noted (``pending``) and recomputed once per loan, hold and tool when the
batch ends, reading all touched tools with a few queries: a tool lent and
returned 200 times in a catch-up has its conflicts, status and search entry
worked out once, not 400 times. ``tests/ledger/test_bulk_apply.py`` holds both
ways to the same tables.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import json
import sqlite3
from typing import Iterable, Iterator, Sequence, TypeVar

from kiosk.ledger import pending, projections, rules
from kiosk.ledger import projections_holds as holds
from kiosk.ledger.derived import refresh_statuses
from kiosk.ledger.events import Event
from kiosk.ledger.impact import borrower_tag

T = TypeVar("T")
_CHUNK = 5000  # ids per query: well under SQLite's limits, few round trips
LOAN_EVENTS = ("loan.opened", "loan.returned")  # what a batch writes in one go


def apply_all(conn: sqlite3.Connection, events: Iterable[Event]) -> list[bool]:
    """Applies events already written to the log, inside the caller's transaction; whether each was known."""
    events = list(events)
    with pending.deferring(conn) as later:
        lending = [e for e in events if e.known and e.type in LOAN_EVENTS]
        lent = _apply_lending(conn, lending, later)
        known = [True if lent and e.known and e.type in LOAN_EVENTS else projections.apply(conn, e) for e in events]
    finish(conn, later)
    return known


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while many events are read and applied.

    They and their payloads and rows live until the batch is applied and form no cycles, so
    reference counting frees them; meanwhile each full pass of the collector would walk every
    object of the process, for nothing (a sixth of a catch-up's time, most of it near the end)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def insert_events(conn: sqlite3.Connection, events: Sequence[Event]) -> None:
    """Writes events to the log as ``LedgerCore._insert_event`` does, without applying them."""
    conn.executemany(
        """INSERT INTO events (id, library, device, device_seq, hlc, type, version, entity, payload, applied)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [(e.id, e.library, e.device, e.seq, e.hlc, e.type, e.version, e.entity,
          e.payload_text(), int(e.known)) for e in events])


def unseen(conn: sqlite3.Connection, events: Sequence[Event]) -> list[Event]:
    """The events whose ids neither the log nor an earlier one of ``events`` holds, in their order."""
    stored: set[str] = set()
    for ids in _chunks([e.id for e in events]):
        stored.update(r[0] for r in conn.execute("SELECT id FROM events WHERE id IN (SELECT value FROM json_each(?))",
                                                 (json.dumps(ids),)))
    fresh = []
    for event in events:
        if event.id not in stored:
            stored.add(event.id)
            fresh.append(event)
    return fresh


# -- loans and returns of a batch -------------------------------------------------------------

_RETURN = "hlc, device, seq, event_id, at, condition, note"   # a return as a closer: its key first
_STILL_OUT = (None,) * 7                                       # no closing return: the closer's columns
_LOAN = "id, library, tool_code, opened_hlc, opened_device, opened_seq, " \
        "closed_hlc, closed_device, closed_seq, closed_by, closed_at, return_condition, return_note"
_LOAN_OF_L = ", ".join("l." + column for column in _LOAN.split(", "))   # the same, joined to json_each


def _apply_lending(conn: sqlite3.Connection, events: list[Event], later: pending.Pending) -> bool:
    """The batch's loans and returns written in one go, and the loans whose closing return changed
    updated in one go (``projections``' rule: the earliest return naming a loan, or of its tool naming
    none after it opened). False, writing nothing, when an opening repeats a loan id: the
    event-by-event rules decide those."""
    opened = [e for e in events if e.type == "loan.opened"]
    returned = [e for e in events if e.type == "loan.returned"]
    new_ids = [e.payload["loan_id"] for e in opened]
    if (len(set(new_ids)) < len(new_ids) or _stored(conn, "loans", "id", new_ids)
            or any(r.payload.get("loan_id") is not None and not r.payload["loan_id"] for r in returned)):
        return False
    conn.executemany(
        """INSERT OR IGNORE INTO returns (event_id, library, tool_code, loan_id, hlc, device, seq, at,
               condition, note, missing_parts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [(e.id, e.library, e.payload["tool"], e.payload.get("loan_id"), e.hlc, e.device, e.seq, e.payload["at"],
          e.payload.get("condition", "ok"), e.payload.get("note"), projections.parts_text(e.payload.get("missing_parts")))
         for e in returned])
    later.renewals.update(new_ids)  # renewals seen before their loan
    closers: dict[str, tuple] = {}  # loan id -> its closing return, where that changed
    # new loans: every return stored (this batch's included) may close them
    named: dict[str, tuple] = {}
    for row in _rows(conn, f"SELECT loan_id, {_RETURN} FROM returns WHERE loan_id IN (SELECT value FROM json_each(?))",
                     new_ids):
        ret = row[1:]
        if row[0] not in named or ret < named[row[0]]:
            named[row[0]] = ret
    first_opened: dict[pending.Tool, int] = {}
    for e in opened:
        tool = (e.library, e.payload["tool"])
        if first_opened.get(tool, e.hlc) >= e.hlc:
            first_opened[tool] = e.hlc
    unnamed: dict[pending.Tool, list[tuple]] = {}
    for chunk in _chunks(sorted(first_opened)):
        for row in conn.execute(
                f"""SELECT r.library, r.tool_code, {", ".join("r." + c for c in _RETURN.split(", "))}
                    FROM json_each(?) j JOIN returns r ON {_TOOL_IS_KEY.format("r")} AND r.hlc >= j.value ->> 2
                    WHERE r.loan_id IS NULL""", (json.dumps([[*tool, first_opened[tool]] for tool in chunk]),)):
            unnamed.setdefault((row[0], row[1]), []).append(tuple(row)[2:])
    for rets in unnamed.values():
        rets.sort()
    new_loans = []
    changed: dict[pending.Tool, int] = {}  # tool -> earliest clock its loans changed at, noted once per tool
    for e in opened:
        loan_id, tool = e.payload["loan_id"], (e.library, e.payload["tool"])
        closer = _closing_return(named.get(loan_id), unnamed.get(tool, []), (e.hlc, e.device, e.seq))
        if closer is not None:
            closers[loan_id] = closer
        since = e.hlc if closer is None or closer[0] > e.hlc else closer[0]
        if changed.get(tool, since) >= since:
            changed[tool] = since
        new_loans.append((*_loan_row(e), *(closer or _STILL_OUT)))
    # written already closed where this batch closes them: each index entry once, not written and moved
    conn.executemany(
        """INSERT INTO loans (id, library, tool_code, member_code, opened_hlc, opened_device, opened_seq, opened_at, due,
               borrower_tag, borrower_area, borrower_joined, closed_hlc, closed_device, closed_seq, closed_by,
               closed_at, return_condition, return_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        new_loans)
    # loans stored before: only this batch's returns can close them earlier
    fresh = set(new_ids)
    by_name: dict[str, list[tuple]] = {}
    by_tool: dict[tuple[str, str], list[tuple]] = {}
    for e in returned:
        ret = (e.hlc, e.device, e.seq, e.id, e.payload["at"], e.payload.get("condition", "ok"), e.payload.get("note"))
        tool = (e.library, e.payload["tool"])
        if e.payload.get("loan_id"):
            by_name.setdefault(e.payload["loan_id"], []).append((ret, e))
        else:
            by_tool.setdefault(tool, []).append((ret, e))
        if changed.get(tool, e.hlc) >= e.hlc:
            changed[tool] = e.hlc
    for tool, since in changed.items():
        later.note_loans(*tool, since)
    # (most loans a catch-up's returns name were opened in the same batch: those are not looked up)
    older = {loan[0]: loan for loan in _rows(
        conn, f"SELECT {_LOAN} FROM loans WHERE id IN (SELECT value FROM json_each(?))",
        [loan_id for loan_id in by_name if loan_id not in fresh])}
    # loans a return naming none may close: those of its tool still open, or closed after it
    unnamed_since = {tool: min(ret[0] for ret, _ in rets) for tool, rets in by_tool.items()}
    for chunk in _chunks(sorted(unnamed_since)):
        keys = json.dumps([[*tool, unnamed_since[tool]] for tool in chunk])
        for loan in conn.execute(
                f"""SELECT {_LOAN_OF_L} FROM json_each(?) j JOIN loans l ON {_TOOL_IS_KEY.format("l")}
                        AND l.closed_hlc IS NULL
                    UNION ALL SELECT {_LOAN_OF_L} FROM json_each(?) j JOIN loans l ON {_TOOL_IS_KEY.format("l")}
                        AND l.closed_hlc >= j.value ->> 2""", (keys, keys)):
            if loan[0] not in fresh:
                older[loan[0]] = tuple(loan)
    for loan_id, loan in older.items():
        current = tuple(loan[6:13]) if loan[9] is not None else None
        offers = by_name.get(loan_id, []) + [
            (ret, e) for ret, e in by_tool.get((loan[1], loan[2]), []) if ret[:3] > tuple(loan[3:6])]
        if not offers:
            continue
        best, event = min(offers, key=lambda offer: offer[0])
        if current is None or best[:3] < current[:3]:
            closers[loan_id] = best
            later.note_loans(event.library, event.payload["tool"], min(event.hlc, loan[3]))
            later.note_loans(loan[1], loan[2], min(event.hlc, loan[3]))  # the loan's tool, when the return named another
    conn.executemany(
        """UPDATE loans SET closed_hlc = ?, closed_device = ?, closed_seq = ?, closed_by = ?, closed_at = ?,
               return_condition = ?, return_note = ? WHERE id = ?""",
        [(*ret, loan_id) for loan_id, ret in closers.items() if loan_id not in fresh])
    later.renewals.update(closers)  # a renewal stamped after the return no longer stands
    _forget_if_asked(conn, list(closers))
    return True


def _loan_row(e: Event) -> tuple:
    """A loan as ``projections`` writes it when it opens."""
    p = e.payload
    kept = p.get("borrower") or {}  # what a forgotten borrower left for the impact report: counts, not a person
    return (p["loan_id"], e.library, p["tool"], p.get("member"), e.hlc, e.device, e.seq, p["at"], p["due"],
            kept.get("tag") or borrower_tag(e.library, p.get("member")), kept.get("area"), kept.get("joined"))


def _forget_if_asked(conn: sqlite3.Connection, loan_ids: list[str]) -> None:
    """Loans returned before their member asked to forget their history forget them (``projections``' rule)."""
    for row in list(_rows(
            conn, """SELECT l.id FROM loans l JOIN members m ON m.library = l.library AND m.code = l.member_code
                     WHERE l.id IN (SELECT value FROM json_each(?)) AND m.forgotten_hlc >= l.closed_hlc""", loan_ids)):
        projections.forget_loan(conn, row[0])


def _closing_return(named: tuple | None, unnamed: list[tuple], opened: tuple) -> tuple | None:
    """The return that closes a loan opened at ``opened``: the earliest of the earliest return naming it
    and the first return of its tool naming no loan after it opened (``unnamed`` sorted; returns key first)."""
    candidates = [named] if named is not None else []
    first_after = bisect.bisect_right(unnamed, (*opened, "\uffff"))  # the key itself is not after it
    if first_after < len(unnamed):
        candidates.append(unnamed[first_after])
    return min(candidates) if candidates else None


def _stored(conn: sqlite3.Connection, table: str, column: str, values: list[str]) -> bool:
    return any(conn.execute(f"SELECT 1 FROM {table} WHERE {column} IN (SELECT value FROM json_each(?)) LIMIT 1",
                            (json.dumps(chunk),)).fetchone() for chunk in _chunks(values))


def _rows(conn: sqlite3.Connection, sql: str, ids: list[str]) -> Iterator[tuple]:
    for chunk in _chunks(ids):
        yield from (tuple(row) for row in conn.execute(sql, (json.dumps(chunk),)))


def finish(conn: sqlite3.Connection, later: pending.Pending) -> None:
    """The recomputations the batch put off, each once; loans and holds first, as conflicts and status read them."""
    _renewals(conn, later.renewals)
    for (library, hold_id), since in sorted(later.holds.items()):
        for tool, changed in holds.rewrite_hold(conn, library, hold_id, since).items():
            later.note_holds(library, tool, changed)
    for tool in sorted(later.copy_keys):
        holds.refresh_copy_key(conn, *tool)
    plain = later.no_loan_conflicts - _in_conflict(conn, later.no_loan_conflicts)
    _settle_loans(conn, {tool: min(since, later.hold_tools.get(tool, since)) for tool, since in later.loan_tools.items()
                         if tool not in plain})
    # hold conflicts, from the earlier of the two clocks, where a hold is set aside; then every status at once
    changed = dict(later.hold_tools)
    for tool, since in later.loan_tools.items():
        changed[tool] = min(since, changed.get(tool, since))
    for tool in _with_holds_set_aside(conn, changed):
        holds.refresh_tool(conn, *tool, changed[tool])
    for tools in _chunks(sorted(set(changed) | later.status)):
        refresh_statuses(conn, tools)
    for tool in sorted(later.index):
        projections.index_tool(conn, *tool)


def _in_conflict(conn: sqlite3.Connection, tools: set[pending.Tool]) -> set[pending.Tool]:
    """The tools among ``tools`` with a conflict row or a provisional loan: conflicts the server reported."""
    if not tools:
        return set()
    return {(r[0], r[1]) for r in conn.execute(
        """SELECT library, tool_code FROM conflicts UNION SELECT library, tool_code FROM loans WHERE provisional = 1""")
            } & tools


def _settle_loans(conn: sqlite3.Connection, tools: dict[pending.Tool, int]) -> None:
    """``projections.refresh_tool_loans`` (less holds and status) for many tools, reading all of them
    with three queries instead of three per tool."""
    for chunk in _chunks(sorted(tools)):
        keys = json.dumps([[*tool, tools[tool]] for tool in chunk])
        alive = _by_tool(conn.execute(  # derived.loans_in_play, for many tools at once
            f"""SELECT {_SETTLED} FROM json_each(?) j JOIN loans l ON {_TOOL_IS_KEY.format("l")}
                    AND l.closed_hlc IS NULL
                UNION ALL SELECT {_SETTLED} FROM json_each(?) j JOIN loans l ON {_TOOL_IS_KEY.format("l")}
                    AND l.closed_hlc >= j.value ->> 2
                UNION ALL SELECT {_SETTLED} FROM json_each(?) j JOIN loans l ON {_TOOL_IS_KEY.format("l")}
                    AND l.opened_hlc >= j.value ->> 2 AND +l.closed_hlc < j.value ->> 2""", (keys, keys, keys)), 1, 2)
        unmatched = _by_tool(conn.execute(
            f"""SELECT r.library, r.tool_code, r.event_id, r.loan_id, r.hlc
                FROM json_each(?) j JOIN returns r ON {_TOOL_IS_KEY.format("r")} AND r.hlc >= j.value ->> 2
                WHERE NOT EXISTS (SELECT 1 FROM loans l WHERE l.closed_by = r.event_id
                                  AND l.library = r.library AND l.tool_code = r.tool_code)""", (keys,)), 0, 1)
        existing = _by_tool(conn.execute(
            f"SELECT c.* FROM json_each(?) j JOIN conflicts c ON {_TOOL_IS_KEY.format('c')}", (keys,)),
            1, 3)  # id, library, kind, tool_code, ...
        for tool in chunk:
            projections.settle_loans(conn, *tool, tools[tool], alive.get(tool, []), unmatched.get(tool, []),
                                     existing.get(tool, []))


# what ``projections.settle_loans`` reads of a loan, and no more
_SETTLED = ", ".join(f"l.{c}" for c in ("id", "library", "tool_code", "opened_hlc", "opened_device", "opened_seq",
                                        "closed_by", "closed_hlc", "closed_device", "closed_seq", "provisional"))
_TOOL_IS_KEY = "{0}.library = j.value ->> 0 AND {0}.tool_code = j.value ->> 1"


def _by_tool(rows: Iterable[sqlite3.Row], library: int, tool: int) -> dict[pending.Tool, list[sqlite3.Row]]:
    """Rows grouped by their tool, found at the positions ``library`` and ``tool`` (a name costs a lookup a row)."""
    grouped: dict[pending.Tool, list[sqlite3.Row]] = {}
    for row in rows:
        key = (row[library], row[tool])
        if key in grouped:
            grouped[key].append(row)
        else:
            grouped[key] = [row]
    return grouped


def _with_holds_set_aside(conn: sqlite3.Connection, tools: dict[pending.Tool, int]) -> list[pending.Tool]:
    """The tools with a hold set aside on them that still ran at the tool's clock: only they can have hold conflicts."""
    found: set[pending.Tool] = set()
    for chunk in _chunks(sorted(tools)):
        keys = json.dumps([[*tool, tools[tool]] for tool in chunk])
        found.update((r[0], r[1]) for r in conn.execute(
            """SELECT DISTINCT h.library, h.set_aside_tool FROM json_each(?) j JOIN holds h
               ON h.library = j.value ->> 0 AND h.set_aside_tool = j.value ->> 1 AND h.set_aside_hlc IS NOT NULL
               AND (h.ended_hlc IS NULL OR h.ended_hlc >= j.value ->> 2)""", (keys,)))
    return sorted(found)


def _renewals(conn: sqlite3.Connection, loan_ids: set[str]) -> None:
    """``projections.apply_renewals`` for many loans, reading their renewals with one query a chunk and
    writing only the loans that have any: for the others it would write what their row holds already."""
    for ids in _chunks(sorted(loan_ids)):
        standing: dict[str, list[tuple]] = {}   # loan id -> its renewals that stand: (hlc, device, due)
        for loan_id, hlc, device, due, closed_hlc, closed_device in conn.execute(
                """SELECT l.id, e.hlc, e.device, e.payload ->> 'due', l.closed_hlc, l.closed_device
                   FROM json_each(?) j JOIN events e ON e.entity = 'loan:' || j.value AND e.type = 'loan.renewed'
                   JOIN loans l ON l.id = j.value""", (json.dumps(ids),)):
            renewals = standing.setdefault(loan_id, [])
            if rules.renewal_counts((hlc, device), None if closed_hlc is None else (closed_hlc, closed_device)):
                renewals.append((hlc, device, due))
        conn.executemany("UPDATE loans SET renewals = ?, due = ? WHERE id = ?",
                         [(len(renewals), max(renewals)[2], loan_id) for loan_id, renewals in standing.items()
                          if renewals])
        void = [loan_id for loan_id, renewals in standing.items() if not renewals]  # back to the due date it opened with
        conn.executemany(
            f"UPDATE loans SET renewals = 0, due = ({_OPENED_DUE}) WHERE id = ? AND EXISTS ({_OPENED_DUE})",
            [(loan_id,) for loan_id in void])


_OPENED_DUE = """SELECT payload ->> 'due' FROM events WHERE entity = 'loan:' || loans.id AND type = 'loan.opened'
                 ORDER BY seq LIMIT 1"""


def _chunks(items: list[T]) -> Iterator[list[T]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]
