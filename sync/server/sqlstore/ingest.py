"""Ingest: storing the events a device pushes, once each, and the server's own events."""

from __future__ import annotations

from typing import Any

from kiosk.ledger import clock
from kiosk.ledger.errors import InvalidInput
from kiosk.ledger.events import Event, event_version
from kiosk.ledger.ids import uuid7
from sync import failpoints
from sync.protocol import Rejection, check_event, same_event
from sync.server.db import Tx
from sync.server.drift import ahead_message
from sync.server.sqlstore.core import SERVER_DEVICE, event_from_row
from sync.server.sqlstore.derived import Derived
from sync.server.storage import Device, IngestResult


class Ingest(Derived):
    def ingest(self, device: Device, events: list[dict[str, Any]]) -> IngestResult:
        result = IngestResult()
        candidates: list[Event] = []
        texts: dict[str, str] = {}   # payloads as stored, by event id
        now = self._now()
        ahead: list[Rejection] = []  # stamped beyond the drift allowed: flagged, as a clone would be
        for wire in events:
            try:
                event, text = check_event(wire)
            except InvalidInput as exc:
                result.rejected.append(Rejection(wire["id"], "invalid", str(exc)))
                continue
            if event.library != device.library:
                result.rejected.append(Rejection(event.id, "wrong_library",
                                                 f"this device writes for {device.library!r}, not {event.library!r}"))
            elif event.device != device.id:
                result.rejected.append(Rejection(event.id, "wrong_device",
                                                 f"this token belongs to the device {device.id}, not {event.device}"))
            elif event.type == "conflict.opened":
                result.rejected.append(Rejection(event.id, "server_only", "only the server opens conflicts"))
            elif clock.physical_ms(event.hlc) - now > self.max_ahead_ms:
                by = clock.physical_ms(event.hlc) - now
                result.clock_ahead_ms = max(result.clock_ahead_ms or 0, by)
                ahead.append(Rejection(event.id, "clock_ahead", ahead_message(by, self.max_ahead_ms)))
            else:
                candidates.append(event)
                texts.setdefault(event.id, text)  # a second copy of an id is compared, never stored
        result.rejected.extend(ahead)
        if not candidates:
            if ahead:
                with self.db.write(device.library) as tx:
                    _flag(tx, device, ahead, now)
            return result
        with self.db.write(device.library) as tx:
            lib = self._library(tx, device.library)
            head, server_seq = lib["head"], lib["server_seq"]
            fresh, flags = self._sort_out(tx, device, candidates, result)
            rows = []
            for event in fresh:
                head += 1
                result.acks[event.id] = head
                rows.append((head, event))
            self._insert_events(tx, rows, now, texts)
            result.stored = len(rows)
            head, server_seq, result.conflicts = self._derive(tx, device.library, rows, head, server_seq, now)
            tx.run("UPDATE libraries SET head = ?, server_seq = ? WHERE slug = ?", (head, server_seq, device.library))
            tx.run("UPDATE devices SET last_push_ms = ? WHERE id = ?", (now, device.id))
            _flag(tx, device, [*ahead, *flags], now)
            failpoints.reach("ingest.before_commit")
        failpoints.reach("ingest.after_commit")
        return result

    def _sort_out(self, tx: Tx, device: Device, candidates: list[Event],
                  result: IngestResult) -> tuple[list[Event], list[Rejection]]:
        """The events new to the server; resent ones acknowledged again, clones refused and flagged."""
        stored = {r["id"]: r for r in tx.rows_among("events", "id", [e.id for e in candidates])}
        seqs = [e.seq for e in candidates]
        last = tx.one("SELECT max(device_seq) AS seq FROM events WHERE device = ?", (device.id,))["seq"]
        # a device numbers its events in order, so a push usually comes after all it sent before: no number taken
        taken = {} if last is None or min(seqs) > last else {r["device_seq"]: r["id"] for r in tx.rows_among(
            "events", "device_seq", seqs, columns="id, device_seq", where="device = ?", args=[device.id])}
        fresh: dict[str, Event] = {}
        flags: list[Rejection] = []
        for event in candidates:
            if event.id in stored or event.id in fresh:
                known = event_from_row(stored[event.id]) if event.id in stored else fresh[event.id]
                if same_event(known, event):
                    if event.id in stored:
                        result.acks[event.id] = stored[event.id]["lseq"]
                    continue
                flags.append(Rejection(event.id, "conflicting_content",
                                       "an event with this id and different content is already here "
                                       "(a cloned SD card or a restored backup?)"))
            elif taken.get(event.seq, event.id) != event.id:
                flags.append(Rejection(event.id, "duplicate_seq",
                                       f"this device already sent another event numbered {event.seq} "
                                       "(a cloned SD card or a restored backup?)"))
            else:
                fresh[event.id] = event
                taken[event.seq] = event.id
        result.rejected.extend(flags)
        return list(fresh.values()), flags

    def append_server_event(self, library: str, type_: str, entity: str, payload: dict[str, Any]) -> Event:
        """Authored by the library's server device, numbered after the server's own conflicts, and
        stamped after every event the library has within the drift allowed: the newest word wins."""
        now = self._now()
        with self.db.write(library) as tx:
            lib = self._library(tx, library)
            # a stamp from the far future (stored before the server refused them) is not followed
            last = tx.one("SELECT max(hlc) AS hlc FROM events WHERE library = ? AND hlc <= ?",
                          (library, clock.pack(now + clock.MAX_DRIFT_MS, clock.COUNTER_MASK)))
            head, seq = lib["head"] + 1, lib["server_seq"] + 1
            event = Event(uuid7(), library, SERVER_DEVICE.format(library=library), seq,
                          clock.tick(last["hlc"] or 0, now), type_, event_version(type_, payload), entity, payload)
            _, text = check_event(event.to_wire())
            self._insert_events(tx, [(head, event)], now, {event.id: text})
            head, seq, _ = self._derive(tx, library, [(head, event)], head, seq, now)
            tx.run("UPDATE libraries SET head = ?, server_seq = ? WHERE slug = ?", (head, seq, library))
        return event


def _flag(tx: Tx, device: Device, refused: list[Rejection], now: int) -> None:
    tx.many("INSERT INTO flags (library, device, event_id, reason, message, at_ms) VALUES (?, ?, ?, ?, ?, ?)",
            [(device.library, device.id, r.id, r.reason, r.message, now) for r in refused])

