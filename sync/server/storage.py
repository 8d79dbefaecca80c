"""What the server keeps, behind one interface: libraries, devices, events, photos.

The app and the command line talk only to ``Storage``; an implementation
(SQLite or PostgreSQL) is chosen by ``sync.server.open_storage``. Web pages
for coordinators can be built on the same interface.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from kiosk.ledger import clock
from kiosk.ledger.events import Event
from sync.protocol import Rejection


@dataclass(frozen=True)
class Device:
    id: str
    library: str
    name: str
    revoked: bool = False


@dataclass
class IngestResult:
    acks: dict[str, int] = field(default_factory=dict)       # event id -> its number in the library's stream
    rejected: list[Rejection] = field(default_factory=list)
    stored: int = 0
    conflicts: int = 0                                        # conflict events the server wrote
    clock_ahead_ms: int | None = None                         # the furthest ahead of the refused stamps


class StoredEvent(NamedTuple):
    """An event as the server keeps it, for the wire: its payload is the JSON text ``payload_text`` wrote
    when the event arrived, passed on as it is instead of being parsed and written again."""

    id: str
    library: str
    device: str
    seq: int
    hlc: int
    type: str
    version: int
    entity: str
    payload_text: str


@dataclass
class PullResult:
    events: list[StoredEvent]
    cursors: dict[str, int]
    more: bool
    availability: list[dict[str, Any]]
    photos_wanted: list[str]
    rewound: bool
    device_names: dict[str, str] = field(default_factory=dict)   # the library's kiosks whose events are here


@dataclass(frozen=True)
class Sighting:
    """What the server learnt of a device in one sync round."""

    at_ms: int                        # server time the request arrived
    pulled: int                       # the device's cursor in its own library after the round
    software_version: str | None = None
    clock_offset_ms: int | None = None
    outbox: int | None = None
    # how far ahead of the server the device's clock ran this round, when further than allowed;
    # None with clock_fine True clears an earlier flag, with clock_fine False leaves it as it was
    clock_ahead_ms: int | None = None
    clock_fine: bool = False


class Storage(ABC):
    # events stamped further ahead of the server's time than this are refused (a setting)
    max_ahead_ms: int = clock.MAX_DRIFT_MS
    # sync rounds one server process runs at once; more wait their turn instead of contending for the GIL
    rounds_at_once: int = 1

    # -- who takes part -----------------------------------------------------------------

    @abstractmethod
    def add_library(self, slug: str, name: str) -> dict[str, Any]: ...

    @abstractmethod
    def libraries(self) -> list[dict[str, Any]]: ...

    @abstractmethod
    def library(self, slug: str) -> dict[str, Any]:
        """The library, or NotFound."""

    @abstractmethod
    def add_partners(self, a: str, b: str) -> None:
        """Each library sees the other's catalog and availability."""

    @abstractmethod
    def remove_partners(self, a: str, b: str) -> None:
        """Ends a partnership: neither library's kiosks hear of the other's catalog from then on."""

    @abstractmethod
    def partners(self, slug: str) -> list[str]: ...

    @abstractmethod
    def invite(self, slug: str, name: str, *, days: int = 7, device: str | None = None) -> str:
        """A one-time enrollment code for a new device of this library; with ``device`` (an id or
        name), a code that enrolls that kiosk again under its own id (a coordinator's decision)."""

    @abstractmethod
    def enroll(self, code: str, library: str, device_name: str, *, kiosk_device: str | None = None,
               device_id: str | None = None) -> tuple[Device, str]:
        """Trades an enrollment code for a device and its token (shown once, stored hashed).

        The server names a new device; no id a kiosk sends can take another device's place.
        ``kiosk_device`` is the id the kiosk holds, which a re-enrollment code must match;
        ``device_id`` names a new device for the server's own callers (the demo), never a kiosk."""

    @abstractmethod
    def authenticate(self, token: str) -> Device:
        """The device a token belongs to; Unauthorized or Revoked otherwise."""

    @abstractmethod
    def revoke(self, slug: str, device: str) -> Device:
        """Revokes a device by id or name; its token stops working at once."""

    @abstractmethod
    def devices(self, slug: str | None = None) -> list[dict[str, Any]]:
        """Devices with what they last told of themselves: last_seen_ms, software_version,
        clock_offset_ms, outbox, and events_waiting (the library's head less the device's cursor)."""

    @abstractmethod
    def seen(self, device: Device, sighting: Sighting) -> None:
        """Records a device's sync round."""

    @abstractmethod
    def flags(self, slug: str | None = None) -> list[dict[str, Any]]:
        """Refused events worth a coordinator's look (a cloned SD card, a restored backup)."""

    # -- sync -----------------------------------------------------------------------------

    @abstractmethod
    def ingest(self, device: Device, events: list[dict[str, Any]]) -> IngestResult:
        """Stores new events once each, acknowledges resent ones, refuses the rest with a reason."""

    @abstractmethod
    def pull(self, device: Device, cursors: dict[str, int], limit: int, device_seq: int | None = None) -> PullResult:
        """The next page of events this device may see and has not, with the new cursors.

        The device's own events come back only above ``device_seq``, the highest it holds."""

    @abstractmethod
    def events(self, slug: str, *, after: int = 0, limit: int = 1000) -> list[tuple[int, Event]]:
        """A library's stream in arrival order, as (number, event)."""

    @abstractmethod
    def append_server_event(self, library: str, type_: str, entity: str, payload: dict[str, Any]) -> Event:
        """An event written by the server itself (a conflict settled on the web pages), after every other."""

    # -- photos ---------------------------------------------------------------------------

    @abstractmethod
    def put_photo(self, device: Device, sha256: str, data: bytes) -> bool:
        """Stores a photo a tool of the device's library names; False when it was already there."""

    @abstractmethod
    def get_photo(self, device: Device, sha256: str) -> bytes:
        """A photo named by a tool the device may see, or NotFound."""

    # -- upkeep ---------------------------------------------------------------------------

    @abstractmethod
    def forget_old_borrowers(self, today: date) -> int:
        """Clears the borrower of loans returned before each library's retention period."""

    @abstractmethod
    def take_turn(self, job: str, holder: str, every_s: float) -> bool:
        """Whether ``holder`` (one server process) runs ``job`` now: True for one caller per ``every_s``
        seconds across every process on this database."""

    @abstractmethod
    def close(self) -> None: ...

