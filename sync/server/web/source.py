"""What the web pages need from the sync server's storage, as one small interface.

The pages never touch the sync tables directly: they read a library's events
in server order, append a server-authored event (a conflict resolved from the
web), and ask about partners, kiosks and photos. ``mount_web`` takes any
object with these methods; ``sync.server.web.adapter.StorageSource`` fits the
sync server's ``Storage`` to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from kiosk.ledger.events import Event


@dataclass(frozen=True)
class Kiosk:
    """One enrolled device of a library, as the server last saw it."""

    device: str
    name: str
    last_seen_ms: int | None        # server time of its last sync
    software_version: str | None
    events_waiting: int | None      # events the server holds that this kiosk has not pulled yet
    clock_offset_ms: int | None     # kiosk wall clock minus server clock at its last sync
    revoked: bool = False
    clock_ahead_ms: int | None = None     # its clock ran this far ahead, further than allowed (stamps refused)
    clock_ahead_at_ms: int | None = None  # server time it last did


class EventSource(Protocol):
    def library_name(self, library: str) -> str | None:
        """The library's display name, None when the server has no such library."""

    def libraries(self) -> list[str]:
        """Slugs of every library this server hosts."""

    def events_after(self, library: str, after: int, limit: int) -> list[tuple[int, Event]]:
        """(server sequence, event) of the library's own events with a sequence above ``after``, in order."""

    def append_event(self, library: str, type_: str, entity: str, payload: dict[str, Any]) -> Event:
        """Stores an event authored by the server for this library; kiosks receive it at their next sync."""

    def partners(self, library: str) -> list[str]:
        """Slugs of the libraries whose catalogs this library sees."""

    def kiosks(self, library: str) -> list[Kiosk]:
        """The library's enrolled devices."""

    def reenroll_code(self, library: str, device: str) -> str:
        """A one-time code that enrolls this library's kiosk again under its own id (only that kiosk
        can use it; its old token stops working); NotFound for a device of another library."""

    def photo(self, library: str, name: str) -> bytes | None:
        """The bytes of a tool photo the kiosks uploaded, None when the server has none."""
