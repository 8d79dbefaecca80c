"""`toolkiosk tools ...` and `toolkiosk members ...`: the catalog and the members."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kiosk.cli_support import CommandError, Context
from kiosk.ledger.events import MEMBER_STATUSES, TOOL_STATUSES

TOOL_COLUMNS = ["code", "name", "category", "brand", "status", "shelf"]
MEMBER_COLUMNS = ["code", "name", "email", "phone", "language", "area", "expires", "status"]

# option -> (field, parser); the same options serve add and edit
TOOL_OPTIONS: dict[str, tuple[str, Any]] = {
    "--name": ("name", str), "--maker-code": ("maker_code", str), "--category": ("category", str),
    "--brand": ("brand", str), "--model": ("model", str), "--serial": ("serial", str),
    "--description": ("description", str), "--condition": ("condition", str), "--shelf": ("shelf", str),
    "--value": ("replacement_value", float), "--loan-days": ("loan_days", int), "--photo": ("photo", str),
    "--notes": ("notes", str), "--keywords": ("keywords", str),
    "--copy-group": ("copy_group", str),   # links copies whose names differ, for holds on "any copy"
}
MEMBER_OPTIONS: dict[str, tuple[str, Any]] = {
    "--name": ("name", str), "--email": ("email", str), "--phone": ("phone", str),
    "--expires": ("expires", str), "--loan-limit": ("loan_limit", int), "--notes": ("notes", str),
    "--language": ("language", str),   # en or es: the language of messages to the member
    "--area": ("area", str),           # neighbourhood or postal area, for the impact report's counts
}


def add_commands(subparsers) -> None:
    common = [subparsers.common_parent]
    tools = subparsers.add_parser("tools", parents=common, help="the tool catalog").add_subparsers(
        dest="action", metavar="ACTION", required=True)

    p = tools.add_parser("add", parents=common, help="add a tool (a fresh label code is minted without --code)")
    p.add_argument("--code")
    _options(p, TOOL_OPTIONS, required={"--name"})
    p.add_argument("--kit", action="append", metavar="PART", help="a part that must come back (repeat)")
    p.set_defaults(handler=tool_add)

    p = tools.add_parser("edit", parents=common, help="change a tool's fields")
    p.add_argument("code")
    _options(p, TOOL_OPTIONS)
    p.add_argument("--kit", action="append", metavar="PART")
    p.add_argument("--status", choices=TOOL_STATUSES)
    p.set_defaults(handler=tool_edit)

    p = tools.add_parser("show", parents=common, help="one tool, with its current loan")
    p.add_argument("code")
    p.set_defaults(handler=tool_show)

    p = tools.add_parser("list", parents=common, help="the catalog")
    p.add_argument("--status", choices=(*TOOL_STATUSES, "on_loan", "on_hold_shelf"))
    p.add_argument("--category")
    p.add_argument("--all-libraries", action="store_true", help="include partner libraries' tools")
    p.set_defaults(handler=tool_list)

    p = tools.add_parser("search", parents=common, help="find tools by name, category, brand, model or keyword")
    p.add_argument("query", nargs="+")
    p.add_argument("--all-libraries", action="store_true")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(handler=tool_search)

    p = tools.add_parser("retire", parents=common, help="take tools out of lending for good")
    p.add_argument("codes", nargs="+")
    p.add_argument("--note")
    p.set_defaults(handler=tool_retire)

    _transfer_commands(tools, common, "tools")

    members = subparsers.add_parser("members", parents=common, help="the members").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = members.add_parser("add", parents=common, help="register a member (a fresh card code is minted without --code)")
    p.add_argument("--code")
    _options(p, MEMBER_OPTIONS, required={"--name"})
    p.add_argument("--waiver-accepted", action="store_true", help="the member has read and accepted the current waiver")
    p.set_defaults(handler=member_add)

    p = members.add_parser("edit", parents=common, help="change a member's details or renew a membership (--expires)")
    p.add_argument("code")
    _options(p, MEMBER_OPTIONS)
    p.add_argument("--status", choices=MEMBER_STATUSES)
    p.add_argument("--waiver-accepted", action="store_true")
    p.set_defaults(handler=member_edit)

    p = members.add_parser("show", parents=common, help="one member, with the tools they have out")
    p.add_argument("code")
    p.set_defaults(handler=member_show)

    p = members.add_parser("list", parents=common, help="all members")
    p.set_defaults(handler=member_list)

    _transfer_commands(members, common, "members")


def _options(parser: argparse.ArgumentParser, options: dict[str, tuple[str, Any]], required: set[str] = frozenset()) -> None:
    for flag, (field, kind) in options.items():
        parser.add_argument(flag, dest=f"field_{field}", type=kind, required=flag in required)


def _fields(args: argparse.Namespace) -> dict[str, Any]:
    fields = {k[len("field_"):]: v for k, v in vars(args).items() if k.startswith("field_") and v is not None}
    if getattr(args, "kit", None):
        fields["kit"] = args.kit
    if getattr(args, "status", None):
        fields["status"] = args.status
    return fields


def _transfer_commands(actions, common: list, what: str) -> None:
    p = actions.add_parser("import", parents=common, help=f"import {what} from another system's CSV export")
    p.add_argument("file", type=Path)
    p.add_argument("--from", dest="layout", choices=("myturn", "lendengine", "circulate", "generic"),
                   help="the layout of the file (detected from its header when left out)")
    p.add_argument("--dry-run", action="store_true", help="check the file and report; write nothing")
    p.add_argument("--skip-bad", action="store_true", help="import the good rows even if some are bad")
    p.set_defaults(handler=run_import, what=what)
    p = actions.add_parser("export", parents=common, help=f"write all {what} as CSV")
    p.add_argument("--out", type=Path, help="file to write (default: standard output)")
    p.set_defaults(handler=run_export, what=what)


# -- tools -------------------------------------------------------------------------

def tool_add(args, ctx: Context) -> int:
    fields = _fields(args)
    tool = ctx.ledger.add_tool(args.code, fields.pop("name"), **fields)
    ctx.emit_object(tool, title=f"Added {tool['name']} as {tool['code']}")
    return 0


def tool_edit(args, ctx: Context) -> int:
    ctx.emit_object(ctx.ledger.edit_tool(args.code, **_fields(args)))
    return 0


def tool_show(args, ctx: Context) -> int:
    ctx.emit_object(ctx.ledger.tool(args.code))
    return 0


def tool_list(args, ctx: Context) -> int:
    rows = ctx.ledger.list_tools(status=args.status, category=args.category, all_libraries=args.all_libraries)
    ctx.emit(rows, (["library"] if args.all_libraries else []) + TOOL_COLUMNS + (["due_back"] if args.all_libraries else []))
    return 0


def tool_search(args, ctx: Context) -> int:
    rows = ctx.ledger.search_tools(" ".join(args.query), limit=args.limit, all_libraries=args.all_libraries)
    ctx.emit(rows, (["library"] if args.all_libraries else []) + TOOL_COLUMNS)
    return 0


def tool_retire(args, ctx: Context) -> int:
    rows = [ctx.ledger.set_tool_status(code, "retired", args.note) for code in args.codes]
    ctx.emit(rows, TOOL_COLUMNS)
    return 0


# -- members -----------------------------------------------------------------------

def member_add(args, ctx: Context) -> int:
    fields = _fields(args)
    member = ctx.ledger.add_member(args.code, fields.pop("name"), **fields)
    if args.waiver_accepted:
        member = ctx.ledger.accept_waiver(member["code"])
    ctx.emit_object(member, title=f"Registered {member['name']} with card {member['code']}")
    return 0


def member_edit(args, ctx: Context) -> int:
    fields = _fields(args)
    member = ctx.ledger.edit_member(args.code, **fields) if fields else ctx.ledger.member(args.code)
    if args.waiver_accepted:
        member = ctx.ledger.accept_waiver(args.code)
    elif not fields:
        raise CommandError("nothing to change", 2)
    ctx.emit_object(member)
    return 0


def member_show(args, ctx: Context) -> int:
    member = ctx.ledger.member(args.code)
    member["loans"] = [f"{l['tool_name']} ({l['tool_code']}) due {l['due']}" for l in ctx.ledger.loans(member_code=args.code)]
    ctx.emit_object(member)
    return 0


def member_list(args, ctx: Context) -> int:
    ctx.emit(ctx.ledger.list_members(), MEMBER_COLUMNS)
    return 0


# -- import and export ---------------------------------------------------------------

def run_import(args, ctx: Context) -> int:
    from kiosk import transfer

    importer = transfer.import_tools if args.what == "tools" else transfer.import_members
    if not args.file.is_file():
        raise CommandError(f"no such file: {args.file}", 2)
    report = importer(ctx.ledger, args.file, layout=args.layout, dry_run=args.dry_run, skip_bad=args.skip_bad)
    stream = sys.stdout if report.written or args.dry_run and not report.bad_rows else sys.stderr
    for line in report.summary_lines():
        print(line, file=stream)
    return 0 if (report.written or args.dry_run) and not (report.bad_rows and not args.skip_bad) else 1


def run_export(args, ctx: Context) -> int:
    from kiosk import transfer

    exporter = transfer.export_tools if args.what == "tools" else transfer.export_members
    if args.out is None:
        exporter(ctx.ledger, ctx.out)
        return 0
    try:
        with open(args.out, "w", newline="", encoding="utf-8") as out:
            count = exporter(ctx.ledger, out)
    except OSError as exc:
        raise CommandError(f"cannot write {args.out}: {exc.strerror}") from None
    print(f"wrote {count} {args.what} to {args.out}", file=sys.stderr)
    return 0
