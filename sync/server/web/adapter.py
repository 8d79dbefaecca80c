"""The sync server's ``Storage`` seen as the pages' ``EventSource``."""

from __future__ import annotations

from typing import Any

from kiosk.ledger.events import Event
from sync import protocol
from sync.server.errors import NotFound
from sync.server.storage import Device, Storage
from sync.server.web.source import Kiosk


class StorageSource:
    def __init__(self, storage: Storage):
        self.storage = storage

    def library_name(self, library: str) -> str | None:
        try:
            return self.storage.library(library)["name"]
        except NotFound:
            return None

    def libraries(self) -> list[str]:
        return [row["slug"] for row in self.storage.libraries()]

    def events_after(self, library: str, after: int, limit: int) -> list[tuple[int, Event]]:
        return self.storage.events(library, after=after, limit=limit)

    def append_event(self, library: str, type_: str, entity: str, payload: dict[str, Any]) -> Event:
        return self.storage.append_server_event(library, type_, entity, payload)

    def reenroll_code(self, library: str, device: str) -> str:
        return self.storage.invite(library, "", device=device)

    def partners(self, library: str) -> list[str]:
        return self.storage.partners(library)

    def kiosks(self, library: str) -> list[Kiosk]:
        return [Kiosk(device=d["id"], name=d["name"], last_seen_ms=d.get("last_seen_ms", d.get("last_push_ms")),
                      software_version=d.get("software_version"), events_waiting=d.get("events_waiting"),
                      clock_offset_ms=d.get("clock_offset_ms"), revoked=d.get("revoked_ms") is not None,
                      clock_ahead_ms=d.get("clock_ahead_ms"), clock_ahead_at_ms=d.get("clock_ahead_at_ms"))
                for d in self.storage.devices(library)]

    def photo(self, library: str, name: str) -> bytes | None:
        sha256 = protocol.photo_hash(name)
        if sha256 is None:
            return None
        try:  # the storage checks a photo against the asking device's library; here, the page's library
            return self.storage.get_photo(Device(id=f"web:{library}", library=library, name="web pages"), sha256)
        except NotFound:
            return None

