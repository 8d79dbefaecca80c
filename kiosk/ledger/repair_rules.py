"""Repair tickets as pure rules: their statuses, the limits of what they hold, and a ticket's
state worked out from its events. Shared by the kiosk, the command line and the server.

A ticket is recomputed from all its own events at each one, in (hlc, device, seq) order,
so any arrival order gives the same ticket: the latest status, assignee, cost and parts
win; every note is kept with its date.
"""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any, Iterable, Mapping

from kiosk.ledger.errors import InvalidInput
from kiosk.ledger.events import PROBLEM_MAX_LENGTH, Event

STATUSES = ("open", "waiting_parts", "fixed", "cannot_fix")
OPEN_STATUSES = ("open", "waiting_parts")
# what each closing status does to the tool: back in service, or out of the catalog for good
TOOL_STATUS_WHEN_CLOSED = {"fixed": "available", "cannot_fix": "retired"}
ORIGINS = ("return", "volunteer")

ID_MAX = 64
ASSIGNEE_MAX = 80
NOTE_MAX = 500
PARTS_MAX = 300
COST_MAX = 100_000.0   # one repair, in the library's currency


def check_problem(problem: str | None) -> str:
    text = (problem or "").strip()
    if not text:
        raise InvalidInput("say what is wrong with the tool")
    if len(text) > PROBLEM_MAX_LENGTH:
        raise InvalidInput(f"say what is wrong in at most {PROBLEM_MAX_LENGTH} characters")
    return text


def check_update(*, status: str | None = None, assignee: str | None = None, cost: Any = None,
                 parts: str | None = None, note: str | None = None) -> dict[str, Any]:
    """The changes of one update, each checked against its range; raises InvalidInput."""
    changes: dict[str, Any] = {}
    if status is not None:
        if status not in STATUSES:
            raise InvalidInput(f"a repair's status is one of {', '.join(STATUSES)}, not {status!r}")
        changes["status"] = status
    for name, value, most in (("assignee", assignee, ASSIGNEE_MAX), ("parts", parts, PARTS_MAX),
                              ("note", note, NOTE_MAX)):
        if value is None:
            continue
        if not isinstance(value, str):
            raise InvalidInput(f"the repair's {name} must be text")
        if len(value.strip()) > most:
            raise InvalidInput(f"the repair's {name} is at most {most} characters")
        if value.strip():
            changes[name] = value.strip()
    if cost is not None:
        changes["cost"] = check_cost(cost)
    if not changes:
        raise InvalidInput("nothing to change: give a status, assignee, cost, parts or a note")
    return changes


def check_cost(value: Any) -> float:
    """A cost from 0 to COST_MAX, rounded to cents; text such as '12.50' is read as a number."""
    try:
        cost = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        raise InvalidInput(f"a repair's cost must be a number, not {value!r}") from None
    if not math.isfinite(cost) or not 0 <= cost <= COST_MAX:
        raise InvalidInput(f"a repair's cost must be from 0 to {COST_MAX:g}")
    return round(cost, 2)


def update_refusal(ticket: Mapping[str, Any], changes: Mapping[str, Any]) -> str | None:
    """Why this update cannot be made to this ticket: a closed ticket takes notes only."""
    if ticket["status"] not in OPEN_STATUSES and changes.keys() - {"note"}:
        return f"this repair is closed ({ticket['status']}); only a note can still be added"
    return None


def ticket_state(events: Iterable[Event]) -> dict[str, Any]:
    """A ticket's columns from its events, whatever order they came in."""
    state: dict[str, Any] = {"tool_code": None, "problem": None, "origin": None, "opened_at": None,
                             "opened_hlc": None, "missing_parts": "[]", "status": "open", "assignee": None,
                             "cost": None, "parts": None, "closed_at": None, "return_event": None}
    notes: list[dict[str, str]] = []
    for event in sorted(events, key=lambda e: e.order_key):
        p = event.payload
        if event.type == "repair.opened":
            state.update(tool_code=p["tool"], problem=p["problem"], origin=p.get("origin", "volunteer"),
                         opened_at=p["at"], opened_hlc=event.hlc,
                         missing_parts=json.dumps(p.get("missing_parts") or []), return_event=p.get("return_event"))
        elif event.type == "repair.updated":
            for name in ("assignee", "cost", "parts"):
                if name in p:
                    state[name] = p[name]
            if "status" in p:
                state["status"] = p["status"]
                state["closed_at"] = None if p["status"] in OPEN_STATUSES else p["at"]
            if p.get("note"):
                notes.append({"at": p["at"], "text": p["note"]})
    state["notes"] = notes
    return state


def check_repair_payload(event: Event) -> None:
    """A repair event from another device, every value within the ranges above; raises InvalidInput
    (a payload the projections could not apply must never be stored)."""
    p = event.payload
    repair_id = p.get("repair_id")
    if not isinstance(repair_id, str) or not 0 < len(repair_id) <= ID_MAX or event.entity != f"repair:{repair_id}":
        raise InvalidInput(f"a {event.type} event needs a repair_id of at most {ID_MAX} characters naming its entity")
    _day(p.get("at"))
    if event.type == "repair.opened":
        if not isinstance(p.get("tool"), str) or not p["tool"] or len(p["tool"]) > ID_MAX:
            raise InvalidInput(f"a repair names its tool's code, at most {ID_MAX} characters")
        check_problem(p.get("problem") if isinstance(p.get("problem"), str) else None)
        event_id = p.get("return_event")
        if event_id is not None and (not isinstance(event_id, str) or not 0 < len(event_id) <= ID_MAX):
            raise InvalidInput(f"a repair's return_event is an event id of at most {ID_MAX} characters")
        if p.get("origin", "volunteer") not in ORIGINS:
            raise InvalidInput(f"a repair's origin is one of {', '.join(ORIGINS)}")
        parts = p.get("missing_parts") or []
        if not isinstance(parts, list) or not all(isinstance(x, str) for x in parts):
            raise InvalidInput("missing_parts must be a list of text")
    else:
        changes = {k: p[k] for k in ("status", "assignee", "cost", "parts", "note") if k in p}
        if "cost" in changes and (isinstance(changes["cost"], bool) or not isinstance(changes["cost"], (int, float))):
            raise InvalidInput("a repair's cost must be a number")
        check_update(**changes)


def _day(value: Any) -> None:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput("a repair event's 'at' must be a date like 2026-03-31") from None


def days_open(opened_at: str | None, today: date) -> int:
    return 0 if not opened_at else max(0, (today - date.fromisoformat(opened_at)).days)
