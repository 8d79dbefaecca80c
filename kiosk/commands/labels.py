"""`toolkiosk labels ...`: barcode labels for tools, member cards and fresh codes, as PDF or PNG."""

from __future__ import annotations

from pathlib import Path

from kiosk.cli_support import CommandError, Context


def add_commands(subparsers) -> None:
    common = [subparsers.common_parent]
    labels = subparsers.add_parser("labels", parents=common, help="print barcode labels (PDF or PNG)").add_subparsers(
        dest="action", metavar="ACTION", required=True)

    for kind, what in (("tools", "tools in the catalog"), ("members", "member cards")):
        p = labels.add_parser(kind, parents=common, help=f"labels for {what}")
        which = p.add_mutually_exclusive_group(required=True)
        which.add_argument("--all", action="store_true", help=f"every one of the library's {kind}")
        which.add_argument("--codes", nargs="+", metavar="CODE", help="only these")
        _output_options(p)
        p.set_defaults(handler=run_tools if kind == "tools" else run_members)

    p = labels.add_parser("blank", parents=common, help="fresh codes to stick on new tools before they are catalogued")
    p.add_argument("--count", type=int, required=True, help="how many labels")
    p.add_argument("--kind", choices=("tool", "member"), default="tool", help="tool labels (default) or member cards")
    _output_options(p)
    p.set_defaults(handler=run_blank)

    p = labels.add_parser("stocks", parents=common, help="the label stock that can be printed on")
    p.set_defaults(handler=run_stocks)


def _output_options(parser) -> None:
    parser.add_argument("--stock", default="5160", help="label stock (default 5160); see `toolkiosk labels stocks`")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE", help="a .pdf, or a .png (name-1.png, ... for several pages)")
    parser.add_argument("--dpi", type=int, help="print resolution (default: 600 for sheets, 300 for thermal labels)")


def run_tools(args, ctx: Context) -> int:
    return _print_catalog(args, ctx, ctx.ledger.list_tools(), "tool")


def run_members(args, ctx: Context) -> int:
    return _print_catalog(args, ctx, ctx.ledger.list_members(), "member")


def _print_catalog(args, ctx: Context, rows: list[dict], kind: str) -> int:
    from kiosk.labels import LabelText

    library = ctx.ledger.library["name"]
    by_code = {row["code"]: row for row in rows}
    if args.all:
        chosen = rows
    else:
        unknown = [code for code in args.codes if code not in by_code]
        if unknown:
            raise CommandError(f"no {kind} with the code {', '.join(unknown)}")
        chosen = [by_code[code] for code in args.codes]
    if not chosen:
        raise CommandError(f"there are no {kind}s to print labels for")
    return _write(args, ctx, [LabelText(row["code"], row.get("name") or "", library) for row in chosen])


def run_blank(args, ctx: Context) -> int:
    from kiosk.labels import LabelText

    if not 1 <= args.count <= 10_000:
        raise CommandError("--count must be between 1 and 10000")
    _check_output(args)  # before minting: codes are never handed out twice, so do not waste them
    codes = ctx.ledger.mint_codes(args.kind, args.count)
    library = ctx.ledger.library["name"]
    return _write(args, ctx, [LabelText(code, "", library) for code in codes])


def run_stocks(args, ctx: Context) -> int:
    from kiosk.labels import STOCKS

    rows = [{"name": s.name, "labels": s.per_page, "dpi": s.dpi, "description": s.description} for s in STOCKS.values()]
    ctx.emit(rows, ["name", "labels", "dpi", "description"])
    return 0


def _check_output(args):
    from kiosk.labels import get_stock
    from kiosk.labels.sheets import FORMATS

    try:
        stock = get_stock(args.stock)
    except KeyError as exc:
        raise CommandError(exc.args[0]) from None
    if args.out.suffix.lower() not in FORMATS:
        raise CommandError(f"--out must end in .pdf or .png, not {args.out.name!r}")
    if not args.out.parent.is_dir():
        raise CommandError(f"no such folder: {args.out.parent}")
    if args.dpi is not None and not 72 <= args.dpi <= 1200:
        raise CommandError("--dpi must be between 72 and 1200")
    return stock


def _write(args, ctx: Context, labels: list) -> int:
    from kiosk.labels import write_labels

    stock = _check_output(args)
    try:
        files = write_labels(labels, stock, args.out, args.dpi)
    except ValueError as exc:  # a code too long for the stock's label
        raise CommandError(str(exc)) from None
    ctx.emit_object({
        "labels": len(labels), "stock": stock.name, "files": [str(f) for f in files], "codes": [label.code for label in labels],
    })
    return 0
