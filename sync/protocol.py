"""The sync wire format, shared by the kiosk's client and the server.

One POST to ``/v1/sync`` is a whole round. The body (JSON, gzip-compressed)
carries the kiosk's unacknowledged events and its cursors; the answer carries
acknowledgements, refusals, the events the kiosk has not seen (a page, with a
``more`` flag), the new cursors, partner availability and the server's clock.

A cursor is a position in one library's stream: the server numbers each
library's events in arrival order (1, 2, 3, ... with no gaps), never by clock.
A kiosk holds one cursor for its own library (all its events) and one per
partner library (only catalog events of that library).

Nothing here imports a web framework: the kiosk uses it with requests, the
server with its ASGI app. Parsers raise ``ProtocolError`` with the HTTP status
and a message meant for whoever has to fix the request.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field
from typing import Any

from kiosk.ledger import clock, hold_rules, limits
from kiosk.ledger.codes import LIBRARY_SLUG, LIBRARY_SLUG_RULE
from kiosk.ledger.errors import InvalidInput
from kiosk.ledger.events import (
    CONDITIONS, EVENT_TYPES, INVENTORY_ENDINGS, MEMBER_FIELDS, MEMBER_STATUSES, SETTINGS_FIELDS, TOOL_FIELDS, Event, check_fields,
    check_member_values, check_waivers, payload_text,
)
from kiosk.ledger.repair_rules import check_repair_payload
from sync import bounded
from sync.bounded import Bounds

PROTOCOL = 1                 # what this software speaks
MIN_PROTOCOL = 1             # the oldest kiosk protocol the server still serves
SYNC_PATH = "/v1/sync"
ENROLL_PATH = "/v1/enroll"
PHOTO_PATH = "/v1/photos/{sha256}"

MAX_BODY_BYTES = 4 << 20      # a request body as sent (compressed)
MAX_JSON_BYTES = 32 << 20     # the same body once decompressed: stops gzip bombs
MAX_EVENTS_PER_REQUEST = 1000
MAX_EVENT_BYTES = limits.MAX_EVENT_BYTES    # one event's payload, as JSON
# one payload's shape, so a request or a page of events always fits its bounds, whatever a device sent;
# settings hold the most: limits.CLOSED_DATES_MAX dates and limits.CATEGORIES_MAX loan periods
MAX_PAYLOAD_DEPTH = 8
MAX_PAYLOAD_VALUES = limits.CLOSED_DATES_MAX + limits.CATEGORIES_MAX + 500
DEFAULT_PAGE = 1000
MAX_PAGE = 5000
MAX_PHOTO_BYTES = 2 << 20
MAX_ID_LENGTH = limits.ID_MAX
MAX_DEVICE_NAME = 200         # what people call a kiosk: given at enrollment, sent back with its events
MAX_HLC = clock.MAX_STAMP    # stamps, sequences and counts: what a 64-bit column holds
MAX_DEPTH = 16                # nesting in a body: an event's payload needs 5 levels at most

# what each body may hold, checked before it is parsed (``sync.bounded``): every event at its fullest,
# with room for the envelope, the cursors and, in an answer, partner availability
_EVENT_VALUES = MAX_PAYLOAD_VALUES + 32
SYNC_BOUNDS = Bounds(MAX_BODY_BYTES, MAX_JSON_BYTES, MAX_DEPTH, elements=MAX_EVENTS_PER_REQUEST * _EVENT_VALUES)
ANSWER_BOUNDS = Bounds(MAX_BODY_BYTES, MAX_JSON_BYTES, MAX_DEPTH, elements=MAX_PAGE * _EVENT_VALUES + 2_000_000)
ENROLL_BOUNDS = Bounds(8 << 10, 8 << 10, depth=2, elements=64)   # four short texts

SHA256 = re.compile(r"^[0-9a-f]{64}$")
# a device id as the server gives them; no colon, so never a reserved name like server:<library>
DEVICE_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$")
DEVICE_ID_RULE = "1 to 64 letters, digits, '-' or '_'"
SLUG = LIBRARY_SLUG
# A tool's photo field that names its file by content: photos/<sha256>.<ext>
PHOTO_FIELD = re.compile(r"^photos/([0-9a-f]{64})\.(jpg|jpeg|png|webp)$")

GZIP_LEVEL = 6


class ProtocolError(Exception):
    """A request or answer that breaks the protocol; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}}


# -- bytes on the wire ---------------------------------------------------------------

def encode(obj: Any, *, compress: bool = True) -> bytes:
    data = json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0) if compress else data


def decode(body: bytes, content_encoding: str | None = None, bounds: Bounds | None = None) -> Any:
    """The JSON value of a body within ``bounds`` (a sync request's by default), gunzipped when it is gzip."""
    try:
        return bounded.decode(body, content_encoding, bounds or SYNC_BOUNDS)
    except bounded.BodyRefused as exc:
        raise ProtocolError(exc.status, exc.code, exc.message) from None


# -- the sync round ------------------------------------------------------------------

@dataclass(frozen=True)
class SyncRequest:
    protocol: int
    library: str
    device: str
    events: list[dict[str, Any]]          # wire events, each checked on its own by the server
    cursors: dict[str, int]
    limit: int = DEFAULT_PAGE
    # the highest sequence number of the kiosk's own events it holds: a kiosk restored from a
    # backup gets back its own later events; None (older kiosks) gets none of its own events
    device_seq: int | None = None
    # what the kiosk tells of itself, for the coordinators' kiosks page; older kiosks send none of it
    software_version: str | None = None
    wall_ms: int | None = None           # its wall clock as it sent the request
    outbox: int | None = None            # own events still to send after this request's

    def to_json(self) -> dict[str, Any]:
        body = {"protocol": self.protocol, "library": self.library, "device": self.device,
                "events": self.events, "cursors": self.cursors, "limit": self.limit}
        optional = {"device_seq": self.device_seq, "software_version": self.software_version,
                    "wall_ms": self.wall_ms, "outbox": self.outbox}
        body.update({k: v for k, v in optional.items() if v is not None})
        return body


@dataclass(frozen=True)
class Rejection:
    id: str
    # conflicting_content | wrong_library | wrong_device | invalid | server_only | duplicate_seq | clock_ahead
    reason: str
    message: str


@dataclass(frozen=True)
class SyncResponse:
    server_time_ms: int
    acks: dict[str, int]
    rejected: list[Rejection]
    events: list[Event]
    cursors: dict[str, int]
    more: bool
    availability: list[dict[str, Any]] = field(default_factory=list)
    photos_wanted: list[str] = field(default_factory=list)
    rewound: bool = False             # the server was restored from an older copy: resend own events
    protocol: int = PROTOCOL
    device_names: dict[str, str] = field(default_factory=dict)  # the library's kiosks whose events are here
    # how far this kiosk's clock (its wall_ms, or the stamps it sent) runs ahead of the server's,
    # when further than the server allows; None when it is fine
    clock_ahead_ms: int | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "protocol": self.protocol, "server_time_ms": self.server_time_ms, "acks": self.acks,
            "events": [e.to_wire() for e in self.events], "cursors": self.cursors, "more": self.more,
        }
        # empty lists stay off the wire: a sync with nothing to do stays small
        if self.rejected:
            body["rejected"] = [{"id": r.id, "reason": r.reason, "message": r.message} for r in self.rejected]
        if self.availability:
            body["availability"] = self.availability
        if self.photos_wanted:
            body["photos_wanted"] = self.photos_wanted
        if self.rewound:
            body["rewound"] = True
        if self.device_names:
            body["device_names"] = self.device_names
        if self.clock_ahead_ms is not None:
            body["clock_ahead_ms"] = self.clock_ahead_ms
        return body


def parse_sync_request(obj: Any) -> SyncRequest:
    body = _object(obj, "the request")
    protocol = body.get("protocol")
    if not _is_int(protocol):
        raise ProtocolError(422, "invalid", "'protocol' must be a whole number (this server speaks "
                                            f"{MIN_PROTOCOL} to {PROTOCOL})")
    if protocol < MIN_PROTOCOL:
        raise ProtocolError(426, "upgrade_required",
                            f"this kiosk speaks sync protocol {protocol}; the server needs {MIN_PROTOCOL} or newer. "
                            "Upgrade toolkiosk on this kiosk.")
    library, device = body.get("library"), body.get("device")
    if not isinstance(library, str) or not SLUG.match(library):
        raise ProtocolError(422, "invalid", f"'library' must be a library slug ({LIBRARY_SLUG_RULE})")
    if not isinstance(device, str) or not 0 < len(device) <= MAX_ID_LENGTH:
        raise ProtocolError(422, "invalid", "'device' must be the kiosk's device id")
    events = body.get("events", [])
    if not isinstance(events, list):
        raise ProtocolError(422, "invalid", "'events' must be a list")
    if len(events) > MAX_EVENTS_PER_REQUEST:
        raise ProtocolError(413, "too_many_events",
                            f"{len(events)} events in one request; send at most {MAX_EVENTS_PER_REQUEST}")
    for i, event in enumerate(events):
        if not isinstance(event, dict) or not isinstance(event.get("id"), str) \
                or not 0 < len(event["id"]) <= MAX_ID_LENGTH:
            raise ProtocolError(422, "invalid", f"events[{i}] must be an object with a string 'id'")
    cursors = body.get("cursors", {})
    if not isinstance(cursors, dict) or not all(
            isinstance(k, str) and _is_int(v) and 0 <= v <= MAX_HLC for k, v in cursors.items()):
        raise ProtocolError(422, "invalid", "'cursors' must map library slugs to non-negative whole numbers")
    limit = body.get("limit", DEFAULT_PAGE)
    if not _is_int(limit) or not 1 <= limit <= MAX_PAGE:
        raise ProtocolError(422, "invalid", f"'limit' must be a whole number from 1 to {MAX_PAGE}")
    counts = {key: body.get(key) for key in ("device_seq", "wall_ms", "outbox")}
    for key, value in counts.items():
        if value is not None and not (_is_int(value) and 0 <= value <= MAX_HLC):
            raise ProtocolError(422, "invalid", f"{key!r} must be a non-negative whole number")
    version = body.get("software_version")
    if version is not None and not (isinstance(version, str) and 0 < len(version) <= 40):
        raise ProtocolError(422, "invalid", "'software_version' must be text of at most 40 characters")
    return SyncRequest(protocol, library, device, events, dict(cursors), limit, counts["device_seq"], version,
                       counts["wall_ms"], counts["outbox"])


def parse_sync_response(obj: Any) -> SyncResponse:
    """The server's answer, checked: a kiosk never applies half-understood data."""
    try:
        body = _object(obj, "the answer")
        if body.get("protocol", PROTOCOL) < MIN_PROTOCOL:
            raise ProtocolError(502, "server_too_old", "the server speaks an older sync protocol; upgrade the server")
        acks = {str(k): int(v) for k, v in body["acks"].items()}
        rejected = [Rejection(r["id"], r["reason"], r["message"]) for r in body.get("rejected", [])]
        events = [_in_range(Event.from_wire(e)) for e in body["events"]]
        cursors = {str(k): int(v) for k, v in body["cursors"].items()}
        availability = [{"library": a["library"], "code": a["code"], "status": a["status"],
                         "due_back": a.get("due_back"), "waiting": int(a.get("waiting") or 0)}
                        for a in body.get("availability", [])]
        server_time = int(body["server_time_ms"])
        if not 0 <= server_time <= clock.LATEST_MS:
            raise ValueError(f"server_time_ms {server_time} is not a time")
        return SyncResponse(server_time, acks, rejected, events, cursors, bool(body["more"]),
                            availability, [str(p) for p in body.get("photos_wanted", [])],
                            bool(body.get("rewound", False)), int(body.get("protocol", PROTOCOL)),
                            _device_names(body.get("device_names", {})), _clock_ahead(body.get("clock_ahead_ms")))
    except (KeyError, TypeError, ValueError, AttributeError, InvalidInput) as exc:
        raise ProtocolError(502, "bad_answer", f"the server's answer is not a sync answer: {exc!r}") from None


def _in_range(event: Event) -> Event:
    """An event whose numbers fit the ledger's columns: one that does not would fail every later sync."""
    if not 1 <= event.seq <= MAX_HLC or not 0 <= event.hlc <= MAX_HLC or event.version < 1:
        raise ValueError(f"the event {event.id!r} has a sequence, stamp or version out of range")
    return event


def _clock_ahead(value: Any) -> int | None:
    if value is not None and not (_is_int(value) and 0 <= value <= MAX_HLC):
        raise ValueError("clock_ahead_ms must be a non-negative whole number")
    return value


def _device_names(names: Any) -> dict[str, str]:
    if not isinstance(names, dict) or not all(
            isinstance(k, str) and 0 < len(k) <= MAX_ID_LENGTH and isinstance(v, str) and 0 < len(v) <= MAX_DEVICE_NAME
            for k, v in names.items()):
        raise ValueError(f"device_names must map device ids to names of at most {MAX_DEVICE_NAME} characters")
    return dict(names)


# -- enrollment ----------------------------------------------------------------------

@dataclass(frozen=True)
class EnrollRequest:
    code: str
    library: str
    device: str
    name: str


def parse_enroll_request(obj: Any) -> EnrollRequest:
    body = _object(obj, "the request")
    values = {k: body.get(k) for k in ("code", "library", "device", "name")}
    for key, value in values.items():
        longest = MAX_DEVICE_NAME if key == "name" else 200
        if not isinstance(value, str) or not 0 < len(value) <= longest:
            raise ProtocolError(422, "invalid", f"{key!r} must be text of 1 to {longest} characters")
    return EnrollRequest(**values)


# -- events --------------------------------------------------------------------------

def check_event(wire: dict[str, Any]) -> tuple[Event, str]:
    """An event from a kiosk, its envelope checked and, for types this software knows, its payload too;
    with its payload_text, made once for the size check and the storage.

    Raises InvalidInput with the reason. A payload the kiosks' projections
    could not apply must never be stored: it would stop every kiosk that pulls it.
    """
    event = Event.from_wire(wire)
    if not 0 < len(event.id) <= MAX_ID_LENGTH or not 0 < len(event.device) <= MAX_ID_LENGTH:
        raise InvalidInput("the event id and device must be 1 to 64 characters")
    if not 1 <= event.seq <= MAX_HLC or not 0 <= event.hlc <= MAX_HLC or event.version < 1:
        raise InvalidInput("seq must be positive, hlc non-negative and v at least 1")
    if len(event.type) > 64 or len(event.entity) > 200:
        raise InvalidInput("type or entity too long")
    text = payload_text(event.payload)
    data = text.encode()
    if len(data) > MAX_EVENT_BYTES:
        raise InvalidInput(f"the payload is over {MAX_EVENT_BYTES} bytes")
    # the text was just made by the encoder, so its brackets match: with fewer bytes than values allowed
    # and fewer brackets than levels, it holds neither too many values nor too deep a nesting
    if len(data) >= _PAYLOAD_BOUNDS.elements or data.count(b"[") + data.count(b"{") > _PAYLOAD_BOUNDS.depth:
        try:
            bounded.check_shape(data, _PAYLOAD_BOUNDS)
        except bounded.BodyRefused as exc:
            raise InvalidInput(f"the payload {exc.message.removeprefix('the body ')}") from None
    if event.known:
        _check_payload(event)
    return event, text


_PAYLOAD_BOUNDS = Bounds(MAX_EVENT_BYTES, MAX_EVENT_BYTES, MAX_PAYLOAD_DEPTH, MAX_PAYLOAD_VALUES)


def _check_payload(event: Event) -> None:
    p = event.payload
    kind = event.type
    if kind == "library.configured":
        check_waivers(check_fields(_dict(p, "fields"), SETTINGS_FIELDS, "settings"))
        _entity(event, f"library:{event.library}")
    elif kind in ("tool.added", "tool.edited"):
        code = _code(p, "code")
        check_fields(_dict(p, "fields"), TOOL_FIELDS, "tool")
        _entity(event, f"tool:{code}")
        if kind == "tool.added" and p.get("at") is not None:
            _date(p, "at")
    elif kind in ("member.added", "member.edited", "member.signed_up"):
        code = _code(p, "code")
        check_member_values(check_fields(_dict(p, "fields"), MEMBER_FIELDS, "member"))
        if p["fields"].get("status") not in (None, *MEMBER_STATUSES):
            raise InvalidInput(f"member status must be one of {', '.join(MEMBER_STATUSES)}")
        _entity(event, f"member:{code}")
        if kind == "member.added" and p.get("at") is not None:
            _date(p, "at")
    elif kind == "member.history_forgotten":
        code = _code(p, "code")
        _date(p, "at")
        _entity(event, f"member:{code}")
    elif kind == "loan.opened":
        loan_id = _text(p, "loan_id")
        _code(p, "tool")
        _code(p, "member", optional=True)
        _date(p, "due")
        _date(p, "at")
        _entity(event, f"loan:{loan_id}")
    elif kind == "loan.renewed":
        loan_id = _text(p, "loan_id")
        _date(p, "due")
        _entity(event, f"loan:{loan_id}")
    elif kind == "loan.returned":
        tool = _code(p, "tool")
        _text(p, "loan_id", optional=True)
        _date(p, "at")
        _text(p, "note", optional=True)
        if p.get("condition", "ok") not in CONDITIONS:
            raise InvalidInput(f"condition must be one of {', '.join(CONDITIONS)}")
        parts = p.get("missing_parts") or []
        if not isinstance(parts, list) or len(parts) > limits.KIT_PARTS_MAX or not all(
                isinstance(x, str) and len(x) <= limits.KIT_PART_MAX for x in parts):
            raise InvalidInput(f"missing_parts must be a list of at most {limits.KIT_PARTS_MAX} texts, "
                               f"each at most {limits.KIT_PART_MAX} characters")
        _entity(event, f"tool:{tool}")
    elif kind == "conflict.opened":
        for key in ("conflict_id", "kind", "tool"):
            _text(p, key)
        for key in ("loan_a", "loan_b", "return_event"):
            _text(p, key, optional=True)
    elif kind in ("inventory.started", "inventory.seen", *INVENTORY_ENDINGS):
        inventory_id = _text(p, "inventory_id")
        if len(inventory_id) > MAX_ID_LENGTH:
            raise InvalidInput(f"payload field 'inventory_id' is at most {MAX_ID_LENGTH} characters")
        if kind == "inventory.seen":
            _code(p, "tool")
        else:
            _date(p, "at")
        _entity(event, f"inventory:{inventory_id}")
    elif kind == "conflict.resolved":
        conflict_id = _text(p, "conflict_id")
        _text(p, "resolution")
        _text(p, "note", optional=True)
        _entity(event, f"conflict:{conflict_id}")
    elif kind.startswith("hold."):
        _check_hold(event)
    elif kind.startswith("repair."):
        check_repair_payload(event)


def _check_hold(event: Event) -> None:
    """Hold payloads, each value within the ranges the kiosks use (``kiosk.ledger.hold_rules``)."""
    p, kind = event.payload, event.type
    hold_id = _text(p, "hold_id", most=hold_rules.HOLD_ID_MAX)
    _entity(event, f"hold:{hold_id}")
    _date(p, "at")
    if kind == "hold.placed":
        _text(p, "member", optional=True, most=hold_rules.CODE_MAX)
        _text(p, "tool", most=hold_rules.CODE_MAX)
        if not isinstance(p.get("any_copy", False), bool):
            raise InvalidInput("payload field 'any_copy' must be true or false")
    elif kind == "hold.set_aside":
        _text(p, "tool", most=hold_rules.CODE_MAX)
        _date(p, "ready_until")
    elif kind == "hold.picked_up":
        _text(p, "tool", most=hold_rules.CODE_MAX)
        _text(p, "loan_id", optional=True, most=hold_rules.HOLD_ID_MAX)
    elif kind == "hold.cancelled":
        _text(p, "reason", optional=True, most=hold_rules.REASON_MAX)
    elif kind == "hold.reordered":
        _text(p, "reason", most=hold_rules.REASON_MAX)
        order = p.get("order")
        if not _is_int(order) or not 0 <= order <= hold_rules.ORDER_MAX:
            raise InvalidInput(f"payload field 'order' must be a whole number from 0 to {hold_rules.ORDER_MAX}")


def _text(payload: dict, key: str, *, optional: bool = False, most: int = limits.NOTE_MAX) -> str | None:
    value = payload.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value or len(value) > most:
        raise InvalidInput(f"payload field {key!r} must be non-empty text of at most {most} characters")
    return value


def _code(payload: dict, key: str, *, optional: bool = False) -> str | None:
    """A tool's or member's code, within the limit the kiosks' ledgers hold it to."""
    return _text(payload, key, optional=optional, most=limits.CODE_MAX)


def _dict(payload: dict, key: str) -> dict:
    value = payload.get(key)
    if not isinstance(value, dict):
        raise InvalidInput(f"payload field {key!r} must be a mapping")
    return value


def _date(payload: dict, key: str) -> None:
    limits.check_date(_text(payload, key), f"payload field {key!r}")


def _entity(event: Event, expected: str) -> None:
    if event.entity != expected:
        raise InvalidInput(f"a {event.type} event must concern {expected!r}, not {event.entity!r}")


def same_event(a: Event, b: Event) -> bool:
    """Whether two copies of one id are the same event.

    A borrower forgotten after the retention period leaves ``member`` null in
    one copy (of a loan's opening or a hold's placing); that is the same event, not a clone.
    """
    if a == b:
        return True
    if a.type != b.type or a.type not in FORGETTABLE:
        return False
    if a.payload.get("member") is not None and b.payload.get("member") is not None:
        return False
    # forgetting also leaves counts for the impact report in a loan's opening ("borrower")
    strip = lambda e: Event(e.id, e.library, e.device, e.seq, e.hlc, e.type, e.version, e.entity,  # noqa: E731
                            {k: v for k, v in e.payload.items() if k not in ("member", "borrower")})
    return strip(a) == strip(b)


FORGETTABLE = ("loan.opened", "hold.placed")   # the events that name a borrower


def redact_member(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "member": None}


def photo_hash(value: Any) -> str | None:
    """The SHA-256 a tool's photo field names, if it names its file by content."""
    match = PHOTO_FIELD.match(value) if isinstance(value, str) else None
    return match.group(1) if match else None


# -- helpers -------------------------------------------------------------------------

def _object(obj: Any, what: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise ProtocolError(422, "invalid", f"{what} must be a JSON object")
    return obj


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_catalog(event: Event) -> bool:
    """Shared with partner libraries: only catalog events of a type this software knows the scope of."""
    return event.type in EVENT_TYPES and event.scope == "catalog"


# -- JSON Schemas for the OpenAPI description ------------------------------------------

EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "library", "device", "seq", "hlc", "type", "v", "entity", "payload"],
    "properties": {
        "id": {"type": "string", "maxLength": MAX_ID_LENGTH}, "library": {"type": "string"},
        "device": {"type": "string"}, "seq": {"type": "integer", "minimum": 1},
        "hlc": {"type": "integer", "minimum": 0}, "type": {"type": "string"}, "v": {"type": "integer", "minimum": 1},
        "entity": {"type": "string"}, "payload": {"type": "object"},
    },
}
SYNC_REQUEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["protocol", "library", "device"],
    "properties": {
        "protocol": {"type": "integer", "minimum": MIN_PROTOCOL},
        "library": {"type": "string", "pattern": SLUG.pattern},
        "device": {"type": "string", "maxLength": MAX_ID_LENGTH},
        "events": {"type": "array", "items": EVENT_SCHEMA, "maxItems": MAX_EVENTS_PER_REQUEST},
        "cursors": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
        "limit": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
        "device_seq": {"type": "integer", "minimum": 0},
        "software_version": {"type": "string", "maxLength": 40},
        "wall_ms": {"type": "integer", "minimum": 0},
        "outbox": {"type": "integer", "minimum": 0},
    },
}
SYNC_RESPONSE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["protocol", "server_time_ms", "acks", "events", "cursors", "more"],
    "properties": {
        "protocol": {"type": "integer"}, "server_time_ms": {"type": "integer"},
        "acks": {"type": "object", "additionalProperties": {"type": "integer"}},
        "rejected": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "string"}, "reason": {"type": "string"}, "message": {"type": "string"}}}},
        "events": {"type": "array", "items": EVENT_SCHEMA},
        "cursors": {"type": "object", "additionalProperties": {"type": "integer"}},
        "more": {"type": "boolean"},
        "availability": {"type": "array", "items": {"type": "object", "properties": {
            "library": {"type": "string"}, "code": {"type": "string"}, "status": {"type": "string"},
            "due_back": {"type": ["string", "null"]}, "waiting": {"type": "integer", "minimum": 0}}}},
        "photos_wanted": {"type": "array", "items": {"type": "string"}},
        "rewound": {"type": "boolean"},
        "device_names": {"type": "object", "additionalProperties": {"type": "string", "maxLength": MAX_DEVICE_NAME}},
        "clock_ahead_ms": {"type": "integer", "minimum": 0},
    },
}
ENROLL_REQUEST_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["code", "library", "device", "name"],
    "properties": {k: {"type": "string", "minLength": 1, "maxLength": 200} for k in ("code", "library", "device", "name")},
}
ENROLL_RESPONSE_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["token", "library", "library_name", "device"],
    "properties": {k: {"type": "string"} for k in ("token", "library", "library_name", "device")},
}
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object", "properties": {"error": {"type": "object", "properties": {
        "code": {"type": "string"}, "message": {"type": "string"}}}},
}
