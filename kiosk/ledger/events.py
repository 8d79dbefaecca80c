"""The events of the log: their envelope, their types and what each payload holds.

Every change to tools, members, loans, holds, conflicts and settings is one of these.
Types carry a version so kiosks on different software versions keep working
together: an event of a type or version this code does not know is stored and
passed on, but not applied.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from json.encoder import c_encode_basestring, c_make_encoder  # type: ignore[attr-defined]
from typing import Any, Mapping

from kiosk.ledger import limits
from kiosk.ledger.errors import InvalidInput

# type -> (current version, scope). Catalog events are shared with partner
# libraries; library events stay within their library.
EVENT_TYPES: dict[str, tuple[int, str]] = {
    "library.configured": (2, "library"),
    "tool.added": (1, "catalog"),
    "tool.edited": (1, "catalog"),
    "member.added": (3, "library"),
    "member.edited": (3, "library"),
    # a sign-up from the server's web page: a pending member until the library activates them
    "member.signed_up": (1, "library"),
    # the member asked to forget their returned loans and ended holds at once
    "member.history_forgotten": (1, "library"),
    "loan.opened": (1, "library"),
    "loan.renewed": (1, "library"),
    "loan.returned": (1, "library"),
    "conflict.opened": (1, "library"),
    "conflict.resolved": (1, "library"),
    # an inventory check of the library's shelves: kept in the log until finished or discarded,
    # so it survives going home and restarts; the library's kiosks share it, partners never see it
    "inventory.started": (1, "library"),
    "inventory.seen": (1, "library"),
    "inventory.finished": (1, "library"),
    "inventory.discarded": (1, "library"),
    # holds are member data: they stay within their library
    "hold.placed": (1, "library"),
    "hold.set_aside": (1, "library"),
    "hold.picked_up": (1, "library"),
    "hold.cancelled": (1, "library"),
    "hold.expired": (1, "library"),
    "hold.reordered": (1, "library"),
    # repair tickets name volunteers and costs: library data (the tool's status is a catalog edit)
    "repair.opened": (1, "library"),
    "repair.updated": (1, "library"),
}
# Fields that came with a later version of their events. An event carrying none of them is
# written at version 1, so kiosks and servers that know only version 1 still apply it; one
# carrying them is stored and passed on by those, and applied once they are upgraded.
FIELD_VERSIONS = {"waiver_language": 2, "waiver_texts": 2, "area": 3, "reminders_email": 3, "reminders_sms": 3}
INVENTORY_ENDINGS = {"inventory.finished": "finished", "inventory.discarded": "discarded"}

MAX_WAIVER_CHARS = 4000      # one waiver text; with one per language the settings event stays small

TOOL_FIELDS: dict[str, type | tuple] = {
    "name": str, "maker_code": str, "category": str, "brand": str, "model": str,
    "serial": str, "description": str, "condition": str, "status": str, "shelf": str,
    "replacement_value": (int, float), "loan_days": int, "kit": list, "photo": str,
    "notes": str, "keywords": str, "copy_group": str,
}
TOOL_STATUSES = ("available", "in_repair", "missing", "retired")
MEMBER_FIELDS: dict[str, type | tuple] = {
    "name": str, "email": str, "phone": str, "expires": str, "waiver_version": str,
    "waiver_accepted_at": str, "loan_limit": int, "status": str, "notes": str,
    "language": str,             # the member's own: the screens and reminders speak it
    "waiver_language": str,      # the language of the waiver the member accepted
    "area": str,                 # neighbourhood or postal area, optional: counted in the impact report
    "reminders_email": int,      # 1: the member wants reminders by e-mail, 0: not (kept on the record,
    "reminders_sms": int,        # so kiosks and server agree)
}
AREA_MAX_LENGTH = 40
MEMBER_STATUSES = ("active", "suspended", "pending")   # pending: signed up online, not activated yet
MEMBER_SWITCHES = ("reminders_email", "reminders_sms")
MEMBER_LANGUAGES = ("en", "es")   # the languages messages to members are written in, and waivers
SETTINGS_FIELDS: dict[str, type | tuple] = {
    "name": str, "default_loan_days": int, "category_loan_days": dict, "open_weekdays": list,
    "opening_hours": dict, "closed_dates": list, "loan_limit": int, "max_renewals": int,
    "renewal_grace_days": int, "retention_days": int, "waiver_version": str, "waiver_text": str,
    "waiver_texts": dict,        # language -> the waiver in it; waiver_text is the one for any other
    "hold_pickup_days": int, "max_holds": int,
    "signup": str,               # online sign-up: off | volunteer (activated at the first visit) | at_once
    "membership_days": int,      # how long a membership runs, from sign-up or renewal
    "renew_online_days": int,    # a member may renew online this many days before expiry; 0: not online
}
SIGNUP_MODES = limits.SIGNUP_MODES
CONDITIONS = ("ok", "repair", "missing-parts")
PROBLEM_MAX_LENGTH = 300  # what is wrong with a tool returned for repair, in the borrower's words
_PAYLOAD_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)   # shared: json.dumps makes one a call
# The C encoder behind it, made once: JSONEncoder.encode makes a new one (and a closure) every call, which
# is nearly half of a small payload's encoding, done for each of the 100k events of a catch-up. Payloads
# hold no cycles (they come from JSON or from code), so it keeps no markers to look for them.
_C_ENCODER = (c_make_encoder(None, _PAYLOAD_JSON.default, c_encode_basestring, None, ":", ",", False, False, True)
              if c_make_encoder is not None and c_encode_basestring is not None else None)


def payload_text(payload: dict[str, Any]) -> str:
    """A payload as the log (a kiosk's or the server's) stores it: compact JSON, text as is."""
    if _C_ENCODER is None:
        return _PAYLOAD_JSON.encode(payload)
    return "".join(_C_ENCODER(payload, 0))


@dataclass(frozen=True)
class Event:
    id: str
    library: str
    device: str
    seq: int
    hlc: int
    type: str
    version: int
    entity: str
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def scope(self) -> str:
        return EVENT_TYPES.get(self.type, (0, "library"))[1]

    @property
    def known(self) -> bool:
        """Whether this software knows how to apply the event."""
        return self.type in EVENT_TYPES and self.version <= EVENT_TYPES[self.type][0]

    @property
    def order_key(self) -> tuple[int, str, int]:
        return (self.hlc, self.device, self.seq)

    def payload_text(self) -> str:
        return payload_text(self.payload)

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id, "library": self.library, "device": self.device, "seq": self.seq,
            "hlc": self.hlc, "type": self.type, "v": self.version, "entity": self.entity,
            "payload": self.payload,
        }

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> "Event":
        try:
            event = cls(
                id=data["id"], library=data["library"], device=data["device"], seq=data["seq"],
                hlc=data["hlc"], type=data["type"], version=data["v"], entity=data["entity"],
                payload=data["payload"],
            )
        except (KeyError, TypeError) as exc:
            raise InvalidInput(f"malformed event: missing or wrong field {exc}") from None
        # exact types: a JSON answer holds no subclasses, and True is not a number here (a catch-up checks 100k)
        if not (type(event.id) is type(event.library) is type(event.device) is type(event.type)
                is type(event.entity) is str and type(event.seq) is type(event.hlc) is type(event.version) is int
                and type(event.payload) is dict):
            raise InvalidInput(f"malformed event {data.get('id')!r}: a field has the wrong type")
        return event

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "Event":
        return cls(
            id=row["id"], library=row["library"], device=row["device"], seq=row["device_seq"],
            hlc=row["hlc"], type=row["type"], version=row["version"], entity=row["entity"],
            payload=json.loads(row["payload"]),
        )


def check_fields(fields: dict[str, Any], allowed: dict[str, type | tuple], what: str) -> dict[str, Any]:
    """The fields with unknown names, wrong kinds or values out of range (``limits``) refused; None clears a field."""
    for name, value in fields.items():
        if name not in allowed:
            raise InvalidInput(f"{what} has no field {name!r}")
        kind = allowed[name]
        if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
            raise InvalidInput(f"{what} field {name!r} must be {_kind_name(kind)}, not {value!r}")
    limits.check_values(fields, what)
    return fields


def check_language(fields: dict[str, Any]) -> None:
    """A member's language is one messages are written in."""
    if fields.get("language") is not None and fields["language"] not in MEMBER_LANGUAGES:
        raise InvalidInput(f"language must be one of {', '.join(MEMBER_LANGUAGES)}")


def _kind_name(kind: type | tuple) -> str:
    names = {str: "text", int: "a whole number", float: "a number", list: "a list", dict: "a mapping"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def event_version(type_: str, payload: dict[str, Any]) -> int:
    """The oldest version of the type that can carry the payload's fields (see FIELD_VERSIONS)."""
    needed = [FIELD_VERSIONS.get(name, 1) for name in payload.get("fields") or {}]
    return min(EVENT_TYPES[type_][0], max([1, *needed]))


def _one_language(value: Any, what: str) -> None:
    """None (not set) or one of MEMBER_LANGUAGES."""
    if value is not None and value not in MEMBER_LANGUAGES:
        raise InvalidInput(f"{what} must be one of {', '.join(MEMBER_LANGUAGES)}, not {value!r}")


def check_member_values(fields: dict[str, Any]) -> None:
    """The member's fields whose values have a range: their languages."""
    check_language(fields)
    _one_language(fields.get("waiver_language"), "the waiver's language")
    area = fields.get("area")
    if isinstance(area, str) and len(area.strip()) > AREA_MAX_LENGTH:
        raise InvalidInput(f"a neighbourhood or postal area is at most {AREA_MAX_LENGTH} characters")
    for name in MEMBER_SWITCHES:
        if fields.get(name) not in (None, 0, 1):
            raise InvalidInput(f"{name} must be 1 (on) or 0 (off), not {fields[name]!r}")


def check_waivers(fields: dict[str, Any]) -> dict[str, Any]:
    """The settings' waiver texts: each at most MAX_WAIVER_CHARS, one per known language."""
    texts = dict(fields.get("waiver_texts") or {})
    for language, text in texts.items():
        _one_language(language, "a waiver's language")
        if not isinstance(text, str):
            raise InvalidInput(f"the waiver in {language} must be text")
    if fields.get("waiver_text") is not None:
        texts[""] = fields["waiver_text"]
    if any(len(text) > MAX_WAIVER_CHARS for text in texts.values()):
        raise InvalidInput(f"a waiver is at most {MAX_WAIVER_CHARS} characters")
    return fields
