"""`toolkiosk holds ...`: waiting lists and the hold shelf."""

from __future__ import annotations

import sys

from kiosk.cli_support import Context, format_table
from kiosk.commands.lending import _date
from kiosk.ledger import Refused

HOLD_KEYS = ["id", "tool_code", "tool_name", "member_code", "member_name", "position", "status", "ready_until"]
SHELF_COLUMNS = ["tool_code", "tool_name", "shelf", "for", "ready_until", "state", "action", "next", "hold_id"]


def add_commands(subparsers) -> None:
    common = [subparsers.common_parent]
    holds = subparsers.add_parser("holds", parents=common, help="waiting lists and the hold shelf").add_subparsers(
        dest="action", metavar="ACTION", required=True)

    p = holds.add_parser("place", parents=common, help="put a member on the waiting list for a tool")
    p.add_argument("member", metavar="MEMBER_CODE")
    p.add_argument("tool", metavar="TOOL_CODE")
    p.add_argument("--any-copy", action="store_true", help="the first copy of this tool to come back will do")
    p.set_defaults(handler=place)

    p = holds.add_parser("list", parents=common, help="current holds, in line order (--all: ended ones too)")
    p.add_argument("--member", metavar="CODE")
    p.add_argument("--tool", metavar="CODE")
    p.add_argument("--all", action="store_true", help="include holds picked up, cancelled or expired")
    p.set_defaults(handler=list_holds)

    p = holds.add_parser("cancel", parents=common, help="cancel a hold; a tool set aside for it goes to the next in line")
    p.add_argument("hold_id", metavar="HOLD_ID")
    p.add_argument("--reason")
    p.set_defaults(handler=cancel)

    p = holds.add_parser("shelf", parents=common, help="the hold shelf: what is on it, until when, and what to do")
    p.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD")
    p.set_defaults(handler=shelf)

    p = holds.add_parser("expire", parents=common,
                         help="a hold whose pickup window is over: pass its tool to the next in line or back to the shelf")
    p.add_argument("hold_id", metavar="HOLD_ID")
    p.set_defaults(handler=expire)

    p = holds.add_parser("next", parents=common, help="set a tool on the open shelf aside for the first in line")
    p.add_argument("tool", metavar="TOOL_CODE")
    p.set_defaults(handler=set_aside_next)

    p = holds.add_parser("reorder", parents=common, help="move a waiting hold to another place in line")
    p.add_argument("hold_id", metavar="HOLD_ID")
    p.add_argument("position", type=int, metavar="PLACE")
    p.add_argument("--reason", required=True, help="why, for the other members in line")
    p.set_defaults(handler=reorder)


def _public(hold: dict) -> dict:
    return {key: hold[key] for key in HOLD_KEYS}


def _told(ctx: Context, hold: dict | None, fallback: str) -> None:
    if hold is None:
        ctx.print(fallback)
    else:
        ctx.print(f"Put {hold['tool_code']} ({hold['tool_name']}) on the hold shelf for {hold['shelf_name']}, "
                  f"until {hold['ready_until']}")


def place(args, ctx: Context) -> int:
    try:
        hold = ctx.ledger.place_hold(args.member, args.tool, any_copy=args.any_copy)
    except Refused as refused:
        print("No hold was placed:", file=sys.stderr)
        print(format_table([{"code": r.subject, "reason": r.reason, "message": r.message} for r in refused.refusals],
                           ["code", "reason", "message"]), file=sys.stderr)
        return refused.exit_code
    if ctx.format == "json":
        ctx.emit_object(_public(hold))
    elif hold["status"] == "ready":
        _told(ctx, hold, "")
    else:
        ctx.emit_object(_public(hold), title=f"{hold['member_name']} is number {hold['position']} in line "
                                             f"for {hold['tool_name']}")
    return 0


def list_holds(args, ctx: Context) -> int:
    rows = ctx.ledger.holds(member_code=args.member, tool_code=args.tool, current_only=not args.all)
    ctx.emit([_public(h) for h in rows], HOLD_KEYS)
    return 0


def cancel(args, ctx: Context) -> int:
    result = ctx.ledger.cancel_hold(args.hold_id, args.reason)
    ctx.print(f"Cancelled: {result['hold']['tool_name']} for {result['hold']['member_name']}")
    if result["passed_to"]:
        _told(ctx, result["passed_to"], "")
    return 0


def shelf(args, ctx: Context) -> int:
    ctx.emit(ctx.ledger.hold_shelf(args.as_of), SHELF_COLUMNS)
    return 0


def expire(args, ctx: Context) -> int:
    result = ctx.ledger.expire_hold(args.hold_id)
    _told(ctx, result["passed_to"], f"Put {result['hold']['tool_code']} back on the open shelf")
    return 0


def set_aside_next(args, ctx: Context) -> int:
    _told(ctx, ctx.ledger.set_aside_next(args.tool), "")
    return 0


def reorder(args, ctx: Context) -> int:
    ctx.emit_object(_public(ctx.ledger.reorder_hold(args.hold_id, args.position, args.reason)))
    return 0
