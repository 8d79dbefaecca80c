"""Which repair tickets are open, from their events: the kiosks' own rule
(``kiosk.ledger.repair_rules.ticket_state``), so any arrival order gives the answer
the library's kiosks give. Used by the store as events arrive, and once by the
schema upgrade that introduced the server's repairs table.
"""

from __future__ import annotations

from typing import Iterable

from kiosk.ledger.events import Event
from kiosk.ledger.repair_rules import OPEN_STATUSES, ticket_state

REPAIR_EVENTS = ("repair.opened", "repair.updated")


def ticket_rows(library: str, events: Iterable[Event]) -> list[tuple[str, str, str | None, int]]:
    """(library, repair id, tool, 1 if open) for every ticket these events (all of each ticket's) make."""
    by_ticket: dict[str, list[Event]] = {}
    for event in events:
        by_ticket.setdefault(event.entity.split(":", 1)[1], []).append(event)
    rows = []
    for repair_id, ticket_events in by_ticket.items():
        state = ticket_state(ticket_events)
        rows.append((library, repair_id, state["tool_code"], int(state["status"] in OPEN_STATUSES)))
    return rows
