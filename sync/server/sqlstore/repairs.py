"""Repair tickets on the server, as far as partners need them: which tools have one open.

A ticket's status comes from all its events by the kiosks' own rule
(``kiosk.ledger.repair_rules.ticket_state``), so any arrival order gives the
same answer as on the library's kiosks, where an open ticket keeps its tool in
for repair whatever the catalog says.
"""

from __future__ import annotations

from kiosk.ledger.events import Event
from kiosk.ledger.repair_rules import OPEN_STATUSES, ticket_state
from sync.server.db import Tx
from sync.server.sqlstore.core import event_from_row

REPAIR_EVENTS = ("repair.opened", "repair.updated")


def store_tickets(tx: Tx, library: str, events: list[Event]) -> set[str]:
    """Recomputes the tickets these events belong to from every event of theirs stored here;
    returns the tools whose availability that may change."""
    entities = sorted({e.entity for e in events if e.type in REPAIR_EVENTS})
    if not entities:
        return set()
    stored = tx.rows_among("events", "entity", entities, where="library = ?", args=[library])
    by_ticket: dict[str, list[Event]] = {}
    for row in stored:
        by_ticket.setdefault(row["entity"], []).append(event_from_row(row))
    ids = [entity.split(":", 1)[1] for entity in by_ticket]
    before = {r["id"]: r["tool"] for r in tx.rows_among("repairs", "id", ids, where="library = ?", args=[library],
                                                        columns="id, tool")}
    rows, touched = [], set()
    for entity, ticket_events in by_ticket.items():
        repair_id = entity.split(":", 1)[1]
        state = ticket_state(ticket_events)
        rows.append((library, repair_id, state["tool_code"], int(state["status"] in OPEN_STATUSES)))
        touched |= {state["tool_code"], before.get(repair_id)} - {None}
    tx.upsert("repairs", ("library", "id", "tool", "is_open"), rows, "library, id", ("tool", "is_open"))
    return touched

