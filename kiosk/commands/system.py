"""Commands the deployment runs: `toolkiosk backup` (from the backup timer)."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.backup import BackupError, backup
from kiosk.cli_support import CommandError, Context


def add_commands(subparsers) -> None:
    p = subparsers.add_parser(
        "backup", parents=[subparsers.common_parent],
        help="copy the ledger to a backup folder (a USB stick), keeping the newest N copies")
    p.add_argument("--to", required=True, type=Path, metavar="DIR",
                   help="the backup folder; it must exist (the stick must be mounted)")
    p.add_argument("--keep", type=int, default=14, metavar="N", help="how many backups to keep (default: 14)")
    p.set_defaults(handler=run_backup)


def run_backup(args: argparse.Namespace, ctx: Context) -> int:
    try:
        result = backup(ctx.home / "ledger.db", args.to, keep=args.keep)
    except BackupError as exc:
        raise CommandError(str(exc)) from exc
    ctx.print(f"backed up to {result.path} ({result.size} bytes)")
    for path in result.removed:
        ctx.print(f"removed old backup {path.name}")
    return 0
