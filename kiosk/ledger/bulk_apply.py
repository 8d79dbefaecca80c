"""Applying many events at once (a rebuild, a sync's catch-up) with the tables one at a time would give.

Each event still writes its own rows (a loan, a return, a field) as
``projections.apply`` does; what it makes stale is noted (``pending``) and
recomputed once per loan, hold and tool when the batch ends, instead of after
every event: a tool lent and returned 200 times in a catch-up has its
conflicts, status and search entry worked out once, not 400 times.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Iterable, Iterator, Sequence

from kiosk.ledger import pending, projections
from kiosk.ledger import projections_holds as holds
from kiosk.ledger.derived import refresh_tool_status
from kiosk.ledger.events import Event

_CHUNK = 5000  # ids per query: well under SQLite's limits, few round trips


def apply_all(conn: sqlite3.Connection, events: Iterable[Event]) -> list[bool]:
    """Applies events already written to the log, inside the caller's transaction; whether each was known."""
    with pending.deferring(conn) as later:
        known = [projections.apply(conn, event) for event in events]
    finish(conn, later)
    return known


def insert_events(conn: sqlite3.Connection, events: Sequence[Event]) -> None:
    """Writes events to the log as ``LedgerCore._insert_event`` does, without applying them."""
    conn.executemany(
        """INSERT INTO events (id, library, device, device_seq, hlc, type, version, entity, payload, applied)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [(e.id, e.library, e.device, e.seq, e.hlc, e.type, e.version, e.entity,
          json.dumps(e.payload, separators=(",", ":"), ensure_ascii=False), int(e.known)) for e in events])


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


def finish(conn: sqlite3.Connection, later: pending.Pending) -> None:
    """The recomputations the batch put off, each once; loans and holds first, as conflicts and status read them."""
    _renewals(conn, later.renewals)
    for (library, hold_id), since in sorted(later.holds.items()):
        for tool, changed in holds.rewrite_hold(conn, library, hold_id, since).items():
            later.note_holds(library, tool, changed)
    for tool in sorted(later.copy_keys):
        holds.refresh_copy_key(conn, *tool)
    for tool, since in sorted(later.loan_tools.items()):
        # this refreshes the tool's hold conflicts and status too, from the earlier of the two clocks
        projections.refresh_tool_loans(conn, *tool, min(since, later.hold_tools.get(tool, since)))
    for tool, since in sorted(later.hold_tools.items()):
        if tool not in later.loan_tools:
            holds.refresh_tool(conn, *tool, since)
    for tool in sorted(later.status - later.loan_tools.keys() - later.hold_tools.keys()):
        refresh_tool_status(conn, *tool)
    for tool in sorted(later.index):
        projections.index_tool(conn, *tool)


def _renewals(conn: sqlite3.Connection, loan_ids: set[str]) -> None:
    """Each loan's count of renewals and the due date of its latest, for the loans whose renewals may have changed."""
    found: dict[str, list[tuple[int, str, str]]] = {}
    for ids in _chunks(sorted(loan_ids)):
        for row in conn.execute(
                """SELECT entity, hlc, device, payload FROM events WHERE type = 'loan.renewed'
                   AND entity IN (SELECT 'loan:' || value FROM json_each(?))""", (json.dumps(ids),)):
            found.setdefault(row["entity"][len("loan:"):], []).append((row["hlc"], row["device"], row["payload"]))
    conn.executemany("UPDATE loans SET renewals = ?, due = ? WHERE id = ?", [
        (len(renewals), json.loads(max(renewals)[2])["due"], loan_id) for loan_id, renewals in found.items()])


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]
