"""What every part of the SQL store stands on: the database, the clock, shared lookups, writing events."""

from __future__ import annotations

import json
from typing import Any, Callable

from kiosk.ledger import clock, impact
from kiosk.ledger.events import Event
from sync import protocol
from sync.server.db import Database, Tx
from sync.server.drift import MAX_AHEAD_MS, MIN_AHEAD_MS
from sync.server.errors import Invalid, NotFound

SERVER_DEVICE = "server:{library}"   # the author of the server's own events in a library


class SQLCore:
    def __init__(self, db: Database, *, now_ms: Callable[[], int] = clock.wall_ms,
                 max_ahead_ms: int = clock.MAX_DRIFT_MS):
        if not MIN_AHEAD_MS <= max_ahead_ms <= MAX_AHEAD_MS:
            raise Invalid(f"the clock drift allowed must be from {MIN_AHEAD_MS // 60_000} minute to "
                          f"{MAX_AHEAD_MS // 3_600_000} hours")
        self.db = db
        self._now = now_ms
        self.max_ahead_ms = max_ahead_ms
        self.rounds_at_once = db.concurrency

    def _library(self, tx: Tx, slug: str) -> Any:
        row = tx.one("SELECT slug, name, head, server_seq, retention_days FROM libraries WHERE slug = ?", (slug,))
        if row is None:
            raise NotFound(f"no library {slug!r} on this server; add it with `toolkiosk-server library add {slug}`")
        return row

    def _partners(self, tx: Tx, slug: str) -> list[str]:
        return [r["b"] for r in tx.rows("SELECT b FROM partners WHERE a = ? ORDER BY b", (slug,))]

    def _insert_events(self, tx: Tx, rows: list[tuple[int, Event]], now: int, texts: dict[str, str] | None = None) -> None:
        texts = texts or {}
        tx.insert("events", ("library", "lseq", "id", "device", "device_seq", "hlc", "type", "version", "entity",
                             "payload", "catalog", "received_ms"),
                  [(e.library, lseq, e.id, e.device, e.seq, e.hlc, e.type, e.version, e.entity,
                    texts.get(e.id) or protocol.payload_text(e.payload), int(protocol.is_catalog(e)), now)
                   for lseq, e in rows])

    def close(self) -> None:
        self.db.close()


def event_from_row(row: Any) -> Event:
    return Event(row["id"], row["library"], row["device"], row["device_seq"], row["hlc"], row["type"],
                 row["version"], row["entity"], json.loads(row["payload"]))


def kept_counts(tx: Tx, library: str, member: str) -> dict[str, Any]:
    """What the impact report keeps of a borrower about to be forgotten, from the member's events here."""
    rows = tx.rows("SELECT * FROM events WHERE library = ? AND entity = ? AND type IN ('member.added', 'member.edited')",
                   (library, f"member:{member}"))
    return impact.kept_counts(library, member, [event_from_row(r) for r in rows])
