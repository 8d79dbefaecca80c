"""What the server keeps of holds: each hold's state by the kiosks' own rule
(``kiosk.ledger.hold_rules.hold_state``), for availability, pickup notices and forgetting."""

from __future__ import annotations

from kiosk.ledger.events import Event
from kiosk.ledger.hold_rules import hold_state
from sync.server.db import Tx
from sync.server.sqlstore.core import SQLCore, event_from_row

HOLD_COLUMNS = ("id", "library", "tool", "any_copy", "member", "status", "set_aside_tool", "set_aside_event",
                "ready_until", "placed_event", "ended_at")


class Holds(SQLCore):
    def _holds(self, tx: Tx, library: str, events: list[Event]) -> set[str]:
        """Recomputes the holds these events concern from all their events; returns the tools they touch."""
        ids = sorted({e.payload["hold_id"] for e in events if e.type.startswith("hold.")})
        if not ids:
            return set()
        before = {r["id"]: r for r in tx.rows_among("holds", "id", ids, columns="id, tool, set_aside_tool")}
        by_hold: dict[str, list[Event]] = {i: [] for i in ids}
        for row in tx.rows_among("events", "entity", [f"hold:{i}" for i in ids], where="library = ?", args=[library]):
            event = event_from_row(row)
            by_hold.setdefault(event.payload.get("hold_id"), []).append(event)
        rows, touched = [], set()
        for hold_id in ids:
            state = hold_state(hold_id, by_hold[hold_id])
            rows.append((hold_id, library, state["tool_code"], state["any_copy"], state["member_code"], state["status"],
                         state["set_aside_tool"], state["set_aside_event"], state["ready_until"],
                         state["placed_event"], state["ended_at"]))
            old = before.get(hold_id)
            touched |= {state["tool_code"], state["set_aside_tool"], *((old["tool"], old["set_aside_tool"]) if old else ())}
        tx.upsert("holds", HOLD_COLUMNS, rows, "id", HOLD_COLUMNS[2:])
        return {t for t in touched if t}
