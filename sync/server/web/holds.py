"""What a coordinator does to holds from the web pages, as events the server writes for the library.

The same rules as at the kiosk (``kiosk.ledger.hold_rules``), applied to the
library's view: a hold placed for a member who phoned, a cancellation (a tool
set aside for it goes to the next in line), a move in line with a reason.
Kiosks receive these events at their next sync like any other.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kiosk.ledger import hold_rules
from kiosk.ledger.errors import Refusal
from kiosk.ledger.ids import uuid7
from sync.server.web import hold_queries, queries
from sync.server.web.source import EventSource
from sync.server.web.views import LibraryView


class HoldRefused(Exception):
    def __init__(self, refusals: list[Refusal]):
        super().__init__("; ".join(r.message for r in refusals))
        self.refusals = refusals


def place(view: LibraryView, source: EventSource, member_code: str, tool_code: str, any_copy: bool,
          today: date) -> str:
    """Puts a member on the waiting list; a tool on the open shelf is set aside for the first in line."""
    member, tool = queries.member(view, member_code), queries.tool(view, tool_code)
    mine = [h for h in hold_queries.holds(view, today) if h["member_code"] == member_code and h["status"] in ("waiting", "ready")]
    codes = [c["code"] for c in hold_queries.copies(view, tool)] if tool and any_copy else [tool_code]
    has_it = bool(view.query(
        f"SELECT 1 FROM loans WHERE library = ? AND member_code = ? AND closed_by IS NULL "
        f"AND tool_code IN ({','.join('?' * len(codes))})", (view.library, member_code, *codes)))
    refusals = hold_rules.place_refusals(
        member, member_code, tool_code, tool, active_holds=len(mine), has_it=has_it,
        already_waiting=any(h["tool_code"] in codes for h in mine), settings=view.settings(), today=today)
    if refusals:
        raise HoldRefused(refusals)
    hold_id = uuid7()
    source.append_event(view.library, "hold.placed", f"hold:{hold_id}", {
        "hold_id": hold_id, "member": member_code, "tool": tool_code, "any_copy": any_copy, "at": today.isoformat()})
    view.refresh(today)
    for code in codes:
        set_aside_next(view, source, code, today)
    return hold_id


def cancel(view: LibraryView, source: EventSource, hold: dict[str, Any], reason: str | None, today: date) -> None:
    source.append_event(view.library, "hold.cancelled", f"hold:{hold['id']}",
                        {"hold_id": hold["id"], "at": today.isoformat(), "reason": reason})
    view.refresh(today)
    if hold["status"] in ("ready", "expired"):
        set_aside_next(view, source, hold["tool_code"], today)


def reorder(view: LibraryView, source: EventSource, hold: dict[str, Any], position: int, reason: str,
            today: date) -> None:
    others = [h for h in hold_queries.waiting(view) if h["id"] != hold["id"] and hold_rules.competes(h, hold)]
    if not others:
        raise ValueError("No one else is waiting for this tool.")
    if not 1 <= position <= len(others) + 1:
        raise ValueError(f"The place in line must be from 1 to {len(others) + 1}.")
    order = hold_rules.reorder_value([h["sort_order"] for h in others], position)
    source.append_event(view.library, "hold.reordered", f"hold:{hold['id']}",
                        {"hold_id": hold["id"], "order": order, "reason": reason, "at": today.isoformat()})
    view.refresh(today)


def set_aside_next(view: LibraryView, source: EventSource, tool_code: str, today: date) -> None:
    """A tool on the open shelf that someone waits for is set aside for the first in line."""
    tool = queries.tool(view, tool_code)
    if tool is None or tool["status"] != "available":
        return
    nxt = hold_rules.next_in_line(tool_code, tool["copy_key"], hold_queries.waiting(view))
    if nxt is None:
        return
    ready_until = hold_rules.pickup_deadline(today, view.settings())
    source.append_event(view.library, "hold.set_aside", f"hold:{nxt['id']}", {
        "hold_id": nxt["id"], "tool": tool_code, "ready_until": ready_until.isoformat(), "at": today.isoformat()})
    view.refresh(today)
