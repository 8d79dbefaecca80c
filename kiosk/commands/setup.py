"""`toolkiosk init` and `toolkiosk demo`: setting up a library, or a demo one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from kiosk.cli_support import CommandError, Context, default_home
from kiosk.commands.ui import add_screen_options
from kiosk.ledger import Ledger, LedgerError


def add_commands(subparsers) -> None:
    common = [subparsers.common_parent]
    p = subparsers.add_parser("init", parents=common, help="set up a new library in the home folder")
    p.add_argument("--library", required=True, metavar="SLUG", help="short name, e.g. maple (2 to 8 lowercase letters or digits)")
    p.add_argument("--name", required=True, help="the library's full name")
    p.add_argument("--device", metavar="NAME", help="this kiosk's name, e.g. 'Front counter'")
    p.set_defaults(handler=init)

    p = subparsers.add_parser("demo", parents=common,
                              help="seed a demo library and run it: the sync server with the coordinators' pages, and the kiosk")
    p.add_argument("--no-ui", action="store_true", help="seed and print a summary, without starting anything")
    p.add_argument("--host", default="127.0.0.1", help="where the server listens (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=0, help="the server's port (default: 8080, or a free one when taken)")
    add_screen_options(p)
    p.set_defaults(handler=demo)


def init(args, ctx: Context) -> int:
    ledger = Ledger.create(ctx.home, library=args.library, name=args.name, device_name=args.device)
    ctx.print(f"Set up {args.name} ({args.library}) in {ctx.home}, kiosk {ledger.device['name']}")
    ledger.close()
    return 0


def demo(args, ctx: Context) -> int:
    from kiosk.demo import SLUG, seed_demo

    chosen = "home" in args or os.environ.get("TOOLKIOSK_HOME")
    home = ctx.home if chosen else default_home().with_name("toolkiosk-demo")
    _clear_old_demo(home, SLUG)
    ledger = seed_demo(home)
    stats = ledger.stats()
    ctx.print(f"Demo library in {home}: {stats['tools']} tools, {stats['members']} members, "
              f"{stats['loans_open']} loans out ({stats['loans_overdue']} overdue), {stats['conflicts_open']} conflict")
    ledger.close()
    if args.no_ui:
        return 0
    from kiosk.demo_run import DemoFailed, run_demo

    try:
        return run_demo(home, host=args.host, port=args.port, fullscreen=args.fullscreen, say=lambda text: (
            ctx.print(text), ctx.out.flush()))
    except DemoFailed as exc:
        raise CommandError(str(exc)) from None


def _clear_old_demo(home: Path, slug: str) -> None:
    """A folder holding an earlier demo is started afresh; one holding a real library is never touched."""
    if not (home / "ledger.db").exists():
        return
    try:
        ledger = Ledger.open(home)
        is_demo = ledger.library["slug"] == slug
        ledger.close()
    except LedgerError:
        is_demo = False
    if not is_demo:
        raise CommandError(f"{home} holds a library that is not the demo; choose another --home for the demo")
    shutil.rmtree(home)
