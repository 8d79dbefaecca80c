"""`toolkiosk`: the kiosk's operations for scripts and for people without a screen."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from pathlib import Path
from typing import Sequence

import kiosk.commands
from kiosk import __version__
from kiosk.cli_support import CommandError, Context, default_home


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--home", type=Path, default=argparse.SUPPRESS,
                        help="folder holding the database, photos and config (default: $TOOLKIOSK_HOME or ~/.local/share/toolkiosk)")
    common.add_argument("--format", choices=["table", "csv", "json"], default=argparse.SUPPRESS,
                        help="output format (default: table)")
    parser = argparse.ArgumentParser(prog="toolkiosk", description=__doc__, parents=[common])
    parser.add_argument("--version", action="version", version=f"toolkiosk {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    subparsers.common_parent = common  # modules pass it as parents= so options work after the command too
    for info in sorted(pkgutil.iter_modules(kiosk.commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"kiosk.commands.{info.name}")
        module.add_commands(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    ctx = Context(home=getattr(args, "home", None) or default_home(), format=getattr(args, "format", "table"))
    from kiosk.ledger.errors import LedgerError

    try:
        return int(args.handler(args, ctx) or 0)
    except (CommandError, LedgerError) as exc:
        print(f"toolkiosk: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
