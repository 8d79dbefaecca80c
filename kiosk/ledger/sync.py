"""Sync, the ledger's side: the outbox of own events, and applying a server's answer."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Collection

from kiosk.ledger import bulk_apply, clock
from kiosk.ledger.core import META_KNOWN, META_OFFSET, META_SERVER_MS, LedgerCore
from kiosk.ledger.events import Event
from kiosk.ledger.store import write_transaction


@dataclass(frozen=True)
class SyncBatch:
    """What one sync answer changes here, applied in one transaction."""

    acks: dict[str, int]              # own event id -> server sequence
    events: list[Event]               # events this kiosk has not seen
    meta: dict[str, str]              # cursors and anything else to remember with them
    server_time_ms: int | None = None
    # partner tools: library, code, status, due_back, waiting (how many members wait, never who)
    availability: list[dict[str, Any]] = field(default_factory=list)
    device_names: dict[str, str] = field(default_factory=dict)        # the library's kiosks: id -> name


DEVICE_NAMES = "sync.device_names"  # meta: the names of the library's other kiosks, as the server told them


class Sync(LedgerCore):
    def outbox(self, limit: int = 500, *, exclude: Collection[str] = ()) -> list[Event]:
        """Own events the server has not acknowledged, oldest first, less the ids in ``exclude``."""
        skip = f" AND id NOT IN ({','.join('?' * len(exclude))})" if exclude else ""
        rows = self._query(
            f"SELECT * FROM events WHERE device = ? AND server_seq IS NULL{skip} ORDER BY device_seq LIMIT ?",
            (self.device["id"], *exclude, limit))
        return [Event.from_row(r) for r in rows]

    def own_events(self, *, after_device_seq: int = 0, limit: int = 500) -> list[Event]:
        """Own events by device sequence, acknowledged or not: what a server restored from an older copy lost."""
        rows = self._query("SELECT * FROM events WHERE device = ? AND device_seq > ? ORDER BY device_seq LIMIT ?",
                           (self.device["id"], after_device_seq, limit))
        return [Event.from_row(r) for r in rows]

    def outbox_size(self) -> int:
        return self._scalar("SELECT count(*) FROM events WHERE device = ? AND server_seq IS NULL",
                            (self.device["id"],))

    def apply_sync(self, batch: SyncBatch) -> dict[str, int]:
        """Acknowledgements, new events and cursors in one transaction: a cut-off sync is simply repeated."""
        counts = {"acknowledged": 0, "received": 0, "duplicates": 0, "unknown": 0}
        with self._lock, write_transaction(self._conn, self.path):
            for event_id, server_seq in batch.acks.items():
                counts["acknowledged"] += self._conn.execute(
                    "UPDATE events SET server_seq = ? WHERE id = ? AND server_seq IS NULL", (server_seq, event_id)).rowcount
            if batch.server_time_ms is not None:  # the server's clock corrects this kiosk's from now on
                server = clock.trusted_ms(batch.server_time_ms)
                self._put_meta({META_OFFSET: str(server - self._wall()), META_SERVER_MS: str(server),
                                META_KNOWN: str(server)})
            now = self.now_ms()
            stamp = int(self._conn.execute("SELECT value FROM meta WHERE key = 'hlc'").fetchone()[0])
            latest = 0   # the latest stamp of this library's events: partners' catalogs never move the clock
            next_seq = int(self._conn.execute("SELECT value FROM meta WHERE key = 'next_seq'").fetchone()[0])
            fresh = bulk_apply.unseen(self._conn, batch.events)
            counts["duplicates"] = len(batch.events) - len(fresh)
            bulk_apply.insert_events(self._conn, fresh)
            bulk_apply.apply_all(self._conn, fresh)  # each touched tool recomputed once, not once per event
            for event in fresh:
                if event.library == self.library["slug"] and clock.within_reach(event.hlc, now):
                    latest = max(latest, event.hlc)
                if event.device == self.device["id"]:  # this kiosk restored from a backup gets its own past back
                    next_seq = max(next_seq, event.seq + 1)
                counts["received" if event.known else "unknown"] += 1
            self._put_meta({"next_seq": str(next_seq)})
            for row in batch.availability:
                self._conn.execute(
                    "INSERT OR REPLACE INTO partner_availability (library, code, status, due_back, waiting) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (row["library"], row["code"], row["status"], row.get("due_back"), row.get("waiting") or 0))
            names = {}
            if batch.device_names:
                names[DEVICE_NAMES] = json.dumps({**self._device_names(), **batch.device_names}, sort_keys=True)
            self._put_meta({**batch.meta, **names, "hlc": str(clock.observe(stamp, latest, now))})
        return counts

    def device_name(self, device_id: str) -> str | None:
        """What people call a kiosk of this library (this one's own name, or one the server told); None if unknown."""
        if device_id == self.device["id"]:
            return self.device["name"]
        return self._device_names().get(device_id)

    def _device_names(self) -> dict[str, str]:
        return json.loads(self.meta(DEVICE_NAMES) or "{}")
