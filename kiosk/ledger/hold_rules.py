"""The rules of holds and waiting lists as pure functions, shared by the kiosk and the server.

A waiting list is the holds of one group of copies, in queue order: a hold's
``order`` (its placing clock, unless a coordinator moved it), then its placing
clock and device. A hold for "any copy" competes with every hold of its group;
a hold for one tool only with those that could take that very tool.
Nothing here reads a database or a clock.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Iterable, Mapping, Sequence

from kiosk.ledger import limits
from kiosk.ledger.errors import Refusal
from kiosk.ledger.events import Event
from kiosk.ledger.rules import is_open, member_refusals, setting

HOLD_STATUSES = ("waiting", "ready", "picked_up", "cancelled", "expired")
ENDINGS = {"hold.picked_up": "picked_up", "hold.cancelled": "cancelled", "hold.expired": "expired"}

# What a hold event may carry, checked where it enters (kiosk and sync ingest).
HOLD_ID_MAX = limits.ID_MAX
CODE_MAX = limits.CODE_MAX
REASON_MAX = 200
ORDER_MAX = (1 << 63) - 1


def hold_state(hold_id: str, events: Iterable[Event]) -> dict[str, Any]:
    """A hold's state from all its events, in any order (kiosk projection and server alike):
    the latest set-aside and reorder by (hlc, device) win; the earliest ending
    (picked up, cancelled, expired) by (hlc, device, seq) ends it, whatever comes later."""
    events = sorted((e for e in events if e.known and e.payload.get("hold_id") == hold_id), key=lambda e: e.order_key)
    state: dict[str, Any] = {
        "member_code": None, "tool_code": None, "any_copy": 0, "placed_hlc": None, "placed_device": None,
        "placed_seq": None, "placed_at": None, "placed_event": None, "sort_order": None, "reorder_reason": None,
        "status": "waiting", "set_aside_tool": None, "set_aside_hlc": None, "set_aside_device": None,
        "set_aside_seq": None, "set_aside_at": None, "set_aside_event": None, "ready_until": None, "ended_by": None,
        "ended_hlc": None, "ended_device": None, "ended_seq": None, "ended_at": None, "loan_id": None,
    }
    placed = next((e for e in events if e.type == "hold.placed"), None)
    if placed is not None:
        p = placed.payload
        state.update(member_code=p.get("member"), tool_code=p["tool"], any_copy=int(bool(p.get("any_copy"))),
                     placed_hlc=placed.hlc, placed_device=placed.device, placed_seq=placed.seq, placed_at=p["at"],
                     placed_event=placed.id, sort_order=placed.hlc)
    for e in events:
        if e.type == "hold.set_aside":
            state.update(set_aside_tool=e.payload["tool"], set_aside_hlc=e.hlc, set_aside_device=e.device,
                         set_aside_seq=e.seq, set_aside_at=e.payload["at"], set_aside_event=e.id,
                         ready_until=e.payload["ready_until"])
            state["tool_code"] = state["tool_code"] or e.payload["tool"]
        elif e.type == "hold.reordered":
            state.update(sort_order=e.payload["order"], reorder_reason=e.payload.get("reason"))
    end = next((e for e in events if e.type in ENDINGS), None)
    if end is not None:
        state.update(status=ENDINGS[end.type], ended_by=end.id, ended_hlc=end.hlc, ended_device=end.device,
                     ended_seq=end.seq, ended_at=end.payload["at"],
                     loan_id=end.payload.get("loan_id") if end.type == "hold.picked_up" else None)
    elif state["set_aside_hlc"] is not None:
        state["status"] = "ready"
    return state


def short_name(name: str | None) -> str:
    """'Ana Lopez' as 'Ana L.': enough for the person at the hold shelf, no more."""
    parts = (name or "").split()
    if len(parts) < 2:
        return parts[0] if parts else ""
    return f"{parts[0]} {parts[-1][0].upper()}."


def pickup_deadline(today: date, settings: Mapping[str, Any]) -> date:
    """The last day of the pickup window: the Nth opening day after today."""
    days = setting(settings, "hold_pickup_days")
    day, counted = today, 0
    for _ in range(3660):
        day += timedelta(days=1)
        counted += is_open(day, settings)
        if counted >= days:
            return day
    return today + timedelta(days=days)  # no opening days configured: plain calendar days


def copy_key(tool: Mapping[str, Any]) -> str:
    """Tools sharing this key are copies: linked by a volunteer, else the same name and category."""
    if tool.get("copy_group"):
        return "group:" + " ".join(str(tool["copy_group"]).lower().split())
    name = " ".join((tool.get("name") or "").lower().split())
    category = " > ".join(p.strip().lower() for p in (tool.get("category") or "").split(">") if p.strip())
    return f"{name}|{category}"


def queue_key(hold: Mapping[str, Any]) -> tuple:
    return (hold["sort_order"], hold["placed_hlc"], hold["placed_device"], hold["id"])


def takes(hold: Mapping[str, Any], tool_code: str, tool_copy_key: str | None) -> bool:
    """Whether this tool would do for this hold."""
    if hold["tool_code"] == tool_code:
        return True
    return bool(hold.get("any_copy")) and tool_copy_key is not None and hold.get("copy_key") == tool_copy_key


def competes(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two holds wait for the same thing, so one stands ahead of the other."""
    if a.get("any_copy") or b.get("any_copy"):
        return a.get("copy_key") is not None and a.get("copy_key") == b.get("copy_key")
    return a["tool_code"] == b["tool_code"]


def positions(waiting: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Each waiting hold's place in line (1 is next)."""
    by_group: dict[Any, list[Mapping[str, Any]]] = {}
    for hold in waiting:
        by_group.setdefault(hold.get("copy_key") or ("tool", hold["tool_code"]), []).append(hold)
    places: dict[str, int] = {}
    for group in by_group.values():
        group.sort(key=queue_key)
        for i, hold in enumerate(group):
            places[hold["id"]] = 1 + sum(1 for ahead in group[:i] if competes(ahead, hold))
    return places


def next_in_line(tool_code: str, tool_copy_key: str | None,
                 waiting: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The first waiting hold this tool would do for."""
    candidates = [h for h in waiting if takes(h, tool_code, tool_copy_key)]
    return min(candidates, key=queue_key) if candidates else None


def is_live(hold: Mapping[str, Any], today: date) -> bool:
    """A hold set aside whose pickup window is still open."""
    return hold["status"] == "ready" and (hold.get("ready_until") or "") >= today.isoformat()


def shown_status(hold: Mapping[str, Any], today: date) -> str:
    """The status people see: a hold set aside past its window has expired, even before a volunteer takes it off the shelf."""
    if hold["status"] == "ready" and not is_live(hold, today):
        return "expired"
    return hold["status"]


def held_for(ready: Sequence[Mapping[str, Any]], waiting: Sequence[Mapping[str, Any]],
             tool_code: str, tool_copy_key: str | None, today: date) -> Mapping[str, Any] | None:
    """The hold this tool is kept for: one it is set aside for, else the first in line for it."""
    live = sorted((h for h in ready if is_live(h, today)), key=lambda h: h["set_aside_hlc"] or 0)
    if live:
        return live[0]
    return next_in_line(tool_code, tool_copy_key, waiting)


def place_refusals(
    member: Mapping[str, Any] | None,
    member_code: str,
    tool_code: str,
    tool: Mapping[str, Any] | None,
    *,
    active_holds: int,
    has_it: bool,
    already_waiting: bool,
    settings: Mapping[str, Any],
    today: date,
) -> list[Refusal]:
    """Every reason this member cannot join the waiting list for this tool; empty means yes."""
    refusals = member_refusals(member, member_code, settings, today)
    if member is None:
        return refusals
    if tool is None:
        refusals.append(Refusal(tool_code, "unknown_tool", f"No tool has the code {tool_code}."))
        return refusals
    name = tool.get("name") or tool_code
    if tool.get("status") in ("retired", "missing"):
        refusals.append(Refusal(tool_code, "not_holdable", f"{name} cannot be lent at the moment, so it cannot be held."))
    limit = setting(settings, "max_holds")
    if active_holds >= limit:
        refusals.append(Refusal(member_code, "hold_limit",
                                f"You may wait for {limit} tools at once and are waiting for {active_holds}. "
                                "Cancel one first." if limit else "This library does not take holds.",
                                {"limit": limit, "holds": active_holds}))
    if has_it:
        refusals.append(Refusal(tool_code, "already_has", f"You have {name} already."))
    if already_waiting:
        refusals.append(Refusal(tool_code, "already_waiting", f"You are already on the waiting list for {name}."))
    return refusals


def reorder_value(others: Sequence[int], position: int) -> int:
    """The order value that puts a hold at ``position`` (1 is first) among the others' order values."""
    others = sorted(others)
    if not others:
        raise ValueError("there is no one else in line to move past")
    index = max(0, min(position - 1, len(others)))
    if index == 0:
        return max(0, others[0] - 1)
    if index == len(others):
        return min(ORDER_MAX, others[-1] + 1)
    return (others[index - 1] + others[index]) // 2
