"""`toolkiosk run`: the kiosk's touchscreen app on the library in the home folder."""

from __future__ import annotations

import argparse

from kiosk.cli_support import CommandError, Context


def add_commands(subparsers) -> None:
    p = subparsers.add_parser("run", parents=[subparsers.common_parent],
                              help="start the touchscreen kiosk (full screen on the Pi's console, else a window)")
    add_screen_options(p)
    p.add_argument("--camera", metavar="SPEC",
                   help="the camera to scan with and take photos from (default: the kiosk's setting, else the first found)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    try:
        from kiosk.ui.app import run_app
    except ImportError as exc:
        raise CommandError(f"the kiosk screen cannot start ({exc}); install the ui extra: pip install 'toolkiosk[ui]'") from None
    run_app(ctx.home, fullscreen=fullscreen(args), camera=args.camera)
    return 0


def add_screen_options(parser: argparse.ArgumentParser) -> None:
    screen = parser.add_mutually_exclusive_group()
    screen.add_argument("--fullscreen", action="store_true", default=None,
                        help="full screen (the default on the Pi's console, as its systemd unit runs it)")
    screen.add_argument("--windowed", dest="fullscreen", action="store_false",
                        help="a window the size of the 7-inch display (the default on a desktop or a virtual screen)")


def fullscreen(args: argparse.Namespace) -> bool:
    from kiosk.display import on_console

    return on_console() if args.fullscreen is None else args.fullscreen
