"""How repair events change the repairs table, and what an open ticket does to its tool's status.

A ticket's row is recomputed from all its events (``repair_rules.ticket_state``), so
incremental application, a rebuild and every replica agree.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Callable

from kiosk.ledger.derived import refresh_tool_status
from kiosk.ledger.events import Event
from kiosk.ledger.repair_rules import ticket_state

_COLUMNS = ("tool_code", "problem", "origin", "opened_at", "opened_hlc", "missing_parts", "status", "assignee",
            "cost", "parts", "closed_at", "return_event")


def _repair_event(conn: sqlite3.Connection, event: Event) -> None:
    repair_id = event.payload["repair_id"]
    before = conn.execute("SELECT tool_code FROM repairs WHERE id = ?", (repair_id,)).fetchone()
    events = [Event.from_row(r) for r in conn.execute(
        "SELECT * FROM events WHERE entity = ? AND library = ?", (f"repair:{repair_id}", event.library))]
    state = ticket_state(events)
    conn.execute(
        f"INSERT OR REPLACE INTO repairs (id, library, {', '.join(_COLUMNS)}, notes) "
        f"VALUES (?, ?, {', '.join('?' * len(_COLUMNS))}, ?)",
        (repair_id, event.library, *(state[c] for c in _COLUMNS), json.dumps(state["notes"], ensure_ascii=False)))
    for tool in {state["tool_code"], before["tool_code"] if before else None} - {None}:
        refresh_tool_status(conn, event.library, tool)


HANDLERS: dict[str, Callable[[sqlite3.Connection, Event], None]] = {
    "repair.opened": _repair_event,
    "repair.updated": _repair_event,
}
