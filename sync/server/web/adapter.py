"""The sync server's ``Storage`` seen as the pages' ``EventSource``."""

from __future__ import annotations

import json
from typing import Any, Callable

from kiosk.ledger import clock
from kiosk.ledger.events import EVENT_TYPES, Event
from kiosk.ledger.ids import uuid7
from sync import protocol
from sync.server.errors import NotFound
from sync.server.storage import Device, Storage
from sync.server.web.source import Kiosk


class StorageSource:
    def __init__(self, storage: Storage, *, now_ms: Callable[[], int] = clock.wall_ms):
        self.storage = storage
        self._now_ms = now_ms

    def library_name(self, library: str) -> str | None:
        try:
            return self.storage.library(library)["name"]
        except NotFound:
            return None

    def events_after(self, library: str, after: int, limit: int) -> list[tuple[int, Event]]:
        return self.storage.events(library, after=after, limit=limit)

    def append_event(self, library: str, type_: str, entity: str, payload: dict[str, Any]) -> Event:
        append = getattr(self.storage, "append_server_event", None)
        if append is not None:
            return append(library, type_, entity, payload)
        return append_server_event(self.storage, library, type_, entity, payload, self._now_ms())

    def partners(self, library: str) -> list[str]:
        return self.storage.partners(library)

    def kiosks(self, library: str) -> list[Kiosk]:
        return [Kiosk(device=d["id"], name=d["name"], last_seen_ms=d.get("last_seen_ms", d.get("last_push_ms")),
                      software_version=d.get("software_version"), events_waiting=d.get("events_waiting"),
                      clock_offset_ms=d.get("clock_offset_ms"), revoked=d.get("revoked_ms") is not None)
                for d in self.storage.devices(library)]

    def photo(self, library: str, name: str) -> bytes | None:
        sha256 = protocol.photo_hash(name)
        if sha256 is None:
            return None
        try:  # the storage checks a photo against the asking device's library; here, the page's library
            return self.storage.get_photo(Device(id=f"web:{library}", library=library, name="web pages"), sha256)
        except NotFound:
            return None


def append_server_event(storage: Any, library: str, type_: str, entity: str, payload: dict[str, Any],
                        now_ms: int) -> Event:
    """Writes an event authored by the library's server device, numbered after the server's own conflicts.

    Meant to live in ``SQLStorage`` as ``append_server_event``; used from here until it does.
    """
    from sync.server.sqlstore import SERVER_DEVICE

    with storage.db.write(library) as tx:
        lib = tx.one("SELECT head, server_seq FROM libraries WHERE slug = ?", (library,))
        if lib is None:
            raise NotFound(f"no library {library!r} on this server")
        last = tx.one("SELECT max(hlc) AS hlc FROM events WHERE library = ?", (library,))
        stamp = clock.tick(last["hlc"] or 0, now_ms)  # after every event the library has: the newest word wins
        head, seq = lib["head"] + 1, lib["server_seq"] + 1
        event = Event(uuid7(), library, SERVER_DEVICE.format(library=library), seq, stamp, type_,
                      EVENT_TYPES[type_][0], entity, payload)
        protocol.check_event(event.to_wire())
        tx.run("""INSERT INTO events (library, lseq, id, device, device_seq, hlc, type, version, entity, payload,
                                      catalog, received_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
               (library, head, event.id, event.device, seq, stamp, type_, event.version, entity,
                json.dumps(payload, separators=(",", ":"), ensure_ascii=False), int(protocol.is_catalog(event)), now_ms))
        tx.run("UPDATE libraries SET head = ?, server_seq = ? WHERE slug = ?", (head, seq, library))
    return event
