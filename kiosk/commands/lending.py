"""Checkout, check-in, renewals, loans, overdue lists, conflicts and statistics."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from datetime import date

from kiosk.cli_support import Context
from kiosk.ledger import Refused
from kiosk.ledger.events import CONDITIONS

OVERDUE_COLUMNS = ["tool_code", "tool_name", "member_code", "member_name", "contact", "due", "days_overdue"]
LOAN_COLUMNS = ["tool_code", "tool_name", "member_code", "member_name", "opened_at", "due", "renewals", "closed_at"]


def add_commands(subparsers) -> None:
    common = [subparsers.common_parent]
    p = subparsers.add_parser("checkout", parents=common, help="lend tools to a member (all or nothing)")
    p.add_argument("member", metavar="MEMBER_CODE")
    p.add_argument("tools", metavar="TOOL_CODE", nargs="+")
    p.set_defaults(handler=checkout)

    p = subparsers.add_parser("checkin", parents=common, help="take tools back, by their codes alone")
    p.add_argument("tools", metavar="TOOL_CODE", nargs="+")
    p.add_argument("--condition", choices=CONDITIONS, default="ok")
    p.add_argument("--note")
    p.add_argument("--missing", action="append", default=[], metavar="PART", help="a kit part that did not come back")
    p.add_argument("--problem", help="with --condition repair: what is wrong, for the repair ticket it opens")
    p.set_defaults(handler=checkin)

    p = subparsers.add_parser("renew", parents=common, help="renew the loans of these tools")
    p.add_argument("tools", metavar="TOOL_CODE", nargs="+")
    p.set_defaults(handler=renew)

    p = subparsers.add_parser("loans", parents=common, help="loans, open ones unless --all")
    p.add_argument("--member", metavar="CODE")
    p.add_argument("--tool", metavar="CODE")
    p.add_argument("--all", action="store_true", help="include returned loans")
    p.set_defaults(handler=loans)

    p = subparsers.add_parser("overdue", parents=common, help="overdue loans, oldest first")
    p.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD")
    p.set_defaults(handler=overdue)

    p = subparsers.add_parser("conflicts", parents=common, help="conflicts for a coordinator to settle")
    p.add_argument("--all", action="store_true", help="include settled ones")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    r = actions.add_parser("resolve", parents=common, help="settle a conflict")
    r.add_argument("conflict_id")
    r.add_argument("--resolution", required=True, help="what was decided, e.g. 'kept loan to Ana'")
    r.add_argument("--note")
    r.set_defaults(handler=resolve)
    p.set_defaults(handler=conflicts)

    p = subparsers.add_parser("stats", parents=common, help="how the library is used (counts, never people)")
    p.set_defaults(handler=stats)

    p = subparsers.add_parser("forget-old-borrowers", parents=common,
                              help="returned loans past the retention period forget their borrower")
    p.set_defaults(handler=forget)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def checkout(args, ctx: Context) -> int:
    try:
        made = ctx.ledger.checkout(args.member, args.tools)
    except Refused as refused:  # an error like any other: on stderr, so a script reading stdout sees no loans
        errors = replace(ctx, out=sys.stderr)
        errors.print("Nothing was checked out:") if ctx.format != "json" else None
        errors.emit([{"code": r.subject, "reason": r.reason, "message": r.message} for r in refused.refusals],
                    ["code", "reason", "message"])
        return refused.exit_code
    ctx.emit(made, ["tool_code", "tool_name", "member_name", "due"])
    return 0


def checkin(args, ctx: Context) -> int:
    rows = []
    for code in args.tools:
        result = ctx.ledger.checkin(code, args.condition, args.note, args.missing, problem=args.problem)
        tool = result["tool"]
        hold = result["hold"]
        note = "" if result["known_loan"] else "no open loan known here; recorded, it will close that loan when it arrives"
        if hold:  # what the volunteer at the counter must do first
            note = f"Put this on the hold shelf for {hold['shelf_name']} (until {hold['ready_until']})" + (
                f"; {note}" if note else "")
        rows.append({"tool_code": code, "tool_name": tool["name"], "status": tool["status"], "note": note,
                     "hold_for": hold["shelf_name"] if hold else None, "hold_id": hold["id"] if hold else None})
    ctx.emit(rows, ["tool_code", "tool_name", "status", "note"])
    return 0


def renew(args, ctx: Context) -> int:
    ctx.emit([ctx.ledger.renew(code) for code in args.tools], ["tool_code", "tool_name", "due", "renewals"])
    return 0


def loans(args, ctx: Context) -> int:
    rows = ctx.ledger.loans(member_code=args.member, tool_code=args.tool, open_only=not args.all)
    ctx.emit(rows, LOAN_COLUMNS)
    return 0


def overdue(args, ctx: Context) -> int:
    ctx.emit(ctx.ledger.overdue(args.as_of), OVERDUE_COLUMNS)
    return 0


def conflicts(args, ctx: Context) -> int:
    rows = []
    for c in ctx.ledger.conflicts(include_resolved=args.all):
        sides = "; ".join([f"{l['member_name'] or l['member_code'] or '?'} since {l['opened_at']} (due {l['due']})"
                           for l in c["loans"]] + [f"set aside for {h['member_name'] or h['member_code'] or '?'}"
                                                   f" until {h['ready_until']}" for h in c["holds"]])
        rows.append({**c, "sides": sides})
    ctx.emit(rows, ["id", "kind", "tool_code", "sides", "status", "resolution"])
    return 0


def resolve(args, ctx: Context) -> int:
    ctx.emit_object(ctx.ledger.resolve_conflict(args.conflict_id, args.resolution, args.note))
    return 0


def stats(args, ctx: Context) -> int:
    ctx.emit_object(ctx.ledger.stats())
    return 0


def forget(args, ctx: Context) -> int:
    count = ctx.ledger.forget_old_borrowers()
    ctx.print(f"{count} returned loans and ended holds no longer record whose they were")
    return 0
