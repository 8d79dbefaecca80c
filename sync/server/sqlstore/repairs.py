"""Repair tickets on the server, as far as partners need them: which tools have one open
(``sync.server.repair_tickets`` holds the rule)."""

from __future__ import annotations

from kiosk.ledger.events import Event
from sync.server.db import Tx
from sync.server.repair_tickets import REPAIR_EVENTS, ticket_rows
from sync.server.sqlstore.core import event_from_row


def store_tickets(tx: Tx, library: str, events: list[Event]) -> set[str]:
    """Recomputes the tickets these events belong to from every event of theirs stored here;
    returns the tools whose availability that may change."""
    entities = sorted({e.entity for e in events if e.type in REPAIR_EVENTS})
    if not entities:
        return set()
    stored = [event_from_row(r) for r in tx.rows_among("events", "entity", entities, where="library = ?",
                                                       args=[library])]
    rows = ticket_rows(library, stored)
    before = {r["id"]: r["tool"] for r in tx.rows_among("repairs", "id", [row[1] for row in rows],
                                                        where="library = ?", args=[library], columns="id, tool")}
    tx.upsert("repairs", ("library", "id", "tool", "is_open"), rows, "library, id", ("tool", "is_open"))
    touched = {tool for _, _, tool, _ in rows} | {before.get(repair_id) for _, repair_id, _, _ in rows}
    return touched - {None}   # a ticket moved to another tool changes both
