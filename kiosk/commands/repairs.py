"""`toolkiosk repairs ...` (repair tickets) and `toolkiosk report` (the impact report for funders)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from kiosk.cli_support import Context, format_table
from kiosk.commands.lending import _date
from kiosk.ledger.repair_rules import STATUSES

REPAIR_KEYS = ["id", "tool_code", "tool_name", "problem", "status", "opened", "assignee", "cost"]


def add_commands(subparsers) -> None:
    common = [subparsers.common_parent]
    repairs = subparsers.add_parser("repairs", parents=common, help="repair tickets").add_subparsers(
        dest="action", metavar="ACTION", required=True)

    p = repairs.add_parser("open", parents=common, help="open a repair ticket; the tool is out of service until fixed")
    p.add_argument("tool", metavar="TOOL_CODE")
    p.add_argument("--problem", required=True, help="what is wrong with it")
    p.set_defaults(handler=open_ticket)

    p = repairs.add_parser("list", parents=common, help="repair tickets, oldest first (all, or of one status)")
    p.add_argument("--status", choices=STATUSES)
    p.set_defaults(handler=list_tickets)

    p = repairs.add_parser("update", parents=common,
                           help="change a ticket: fixed puts the tool back in service, cannot_fix retires it")
    p.add_argument("id", metavar="ID")
    p.add_argument("--status", choices=STATUSES)
    p.add_argument("--assignee", metavar="NAME", help="who is on it")
    p.add_argument("--cost", metavar="AMOUNT", help="what the repair cost, parts included")
    p.add_argument("--parts", help="parts it needs or got")
    p.add_argument("--note", metavar="TEXT", help="a dated note")
    p.set_defaults(handler=update_ticket)

    p = subparsers.add_parser("report", parents=common,
                              help="the impact report for funders: loans, borrowers, value lent, areas, repairs")
    p.add_argument("--from", dest="start", type=_date, required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", type=_date, required=True, metavar="YYYY-MM-DD")
    p.set_defaults(handler=report)


def _public(ticket: dict[str, Any]) -> dict[str, Any]:
    return {**{key: ticket.get(key) for key in REPAIR_KEYS}, "opened": ticket["opened_at"]}


def open_ticket(args, ctx: Context) -> int:
    ticket = ctx.ledger.open_repair(args.tool, args.problem)
    ctx.emit_object(_public(ticket), title=f"Opened repair {ticket['id']} for {ticket['tool_name']}; "
                                           "it stays out of service until fixed")
    return 0


def list_tickets(args, ctx: Context) -> int:
    ctx.emit([_public(t) for t in ctx.ledger.repairs(status=args.status)], REPAIR_KEYS)
    return 0


def update_ticket(args, ctx: Context) -> int:
    ticket = ctx.ledger.update_repair(args.id, status=args.status, assignee=args.assignee, cost=args.cost,
                                      parts=args.parts, note=args.note)
    title = {"fixed": f"{ticket['tool_name']} is back in service",
             "cannot_fix": f"{ticket['tool_name']} is retired"}.get(ticket["status"])
    ctx.emit_object(_public(ticket), title=title)
    return 0


def report(args, ctx: Context) -> int:
    result = ctx.ledger.impact_report(args.start, args.end)
    if ctx.format == "json":
        ctx.print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    rows = [{"section": "total", "name": key, "value": value} for key, value in result.items()
            if not isinstance(value, list)]
    rows += [{"section": "by_category", "name": r["category"], "value": r["loans"]} for r in result["by_category"]]
    rows += [{"section": "by_area", "name": r["area"], "value": r["borrowers"]} for r in result["by_area"]]
    if ctx.format == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=["section", "name", "value"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        ctx.out.write(buf.getvalue())
    else:
        ctx.print(f"Impact report {result['from']} to {result['to']} (groups of fewer than 5 people merged)")
        ctx.print(format_table(rows, ["section", "name", "value"]))
    return 0
