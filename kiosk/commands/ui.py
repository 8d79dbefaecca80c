"""`toolkiosk run`: the kiosk's touchscreen app on the library in the home folder."""

from __future__ import annotations

import argparse

from kiosk.cli_support import CommandError, Context


def add_commands(subparsers) -> None:
    p = subparsers.add_parser("run", parents=[subparsers.common_parent],
                              help="start the touchscreen kiosk (full screen)")
    p.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    p.add_argument("--camera", metavar="SPEC",
                   help="the camera to scan with and take photos from (default: the kiosk's setting, else the first found)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    try:
        from kiosk.ui.app import run_app
    except ImportError as exc:
        raise CommandError(f"the kiosk screen cannot start ({exc}); install the ui extra: pip install 'toolkiosk[ui]'") from None
    run_app(ctx.home, fullscreen=not args.windowed, camera=args.camera)
    return 0
