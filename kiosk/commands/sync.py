"""Sync commands: `toolkiosk enroll`, `toolkiosk sync`, `toolkiosk status`."""

from __future__ import annotations

import argparse
import sys

from kiosk.cli_support import CommandError, Context


def add_commands(subparsers) -> None:
    p = subparsers.add_parser("enroll", parents=[subparsers.common_parent],
                              help="join the sync server with a one-time code from a coordinator")
    p.add_argument("--server", required=True, metavar="URL", help="the sync server, e.g. https://sync.example.org")
    p.add_argument("--code", required=True, help="the code `toolkiosk-server device invite` printed")
    p.set_defaults(handler=run_enroll)

    p = subparsers.add_parser("sync", parents=[subparsers.common_parent],
                              help="sync with the server now and print what moved")
    p.add_argument("--retry-quarantined", action="store_true",
                   help="send the events the server refused once more (after it was fixed)")
    p.set_defaults(handler=run_sync)

    p = subparsers.add_parser("status", parents=[subparsers.common_parent],
                              help="the last sync, the events waiting to be sent and any refused ones")
    p.set_defaults(handler=run_status)


def run_enroll(args: argparse.Namespace, ctx: Context) -> int:
    from sync.client import SyncError, enroll

    try:
        result = enroll(ctx.ledger, args.server, args.code)
    except SyncError as exc:
        raise CommandError(f"enrollment failed: {exc}") from None
    ctx.emit_object(result, title=f"enrolled with {result['server']} as {result['device_name']} "
                                  f"of {result['library_name']}")
    return 0


def run_sync(args: argparse.Namespace, ctx: Context) -> int:
    from sync.client import SyncClient, SyncError, read_status

    try:
        report = SyncClient(ctx.ledger).sync(retry_quarantined=args.retry_quarantined)
    except SyncError as exc:
        raise CommandError(f"sync failed: {exc}") from None
    moved = {
        "sent": report.sent, "acknowledged": report.acknowledged, "received": report.received,
        "unknown_kinds": report.unknown, "partner_availability": report.availability,
        "refused": len(report.quarantined), "photos_up": report.photos_uploaded,
        "photos_down": report.photos_downloaded, "waiting": report.waiting, "requests": report.requests,
        "bytes": f"{report.bytes_up} up, {report.bytes_down} down",
    }
    if ctx.format == "json":
        ctx.emit_object({**moved, "quarantined": report.quarantined, "photo_errors": report.photo_errors})
        return 0
    ctx.emit_object(moved, title="sync done" + (" (the server had been restored: own events sent again)"
                                                if report.rewound else ""))
    for item in report.quarantined:  # errors, on stderr like every other
        print(f"toolkiosk: refused {item['id']}: {item['message']} ({item['reason']})", file=sys.stderr)
    ahead = read_status(ctx.ledger).clock_ahead_ms
    if ahead:
        ctx.print(f"clock: {_clock(ahead, 'now')}")
    for error in report.photo_errors:
        print(f"toolkiosk: photo: {error}", file=sys.stderr)
    return 0


def run_status(args: argparse.Namespace, ctx: Context) -> int:
    from sync.client import quarantined, read_status

    status = read_status(ctx.ledger)
    refused = quarantined(ctx.ledger)
    ctx.emit_object({
        "enrolled": "yes" if status.enrolled else "no (run `toolkiosk enroll --server URL --code CODE`)",
        "server": status.server, "last_sync": status.last_sync or "never", "waiting": status.waiting,
        "refused": len(refused), "last_error": status.error, "clock": _clock(status.clock_ahead_ms, status.last_sync),
    })
    for event_id, why in refused.items():
        ctx.print(f"refused {event_id}: {why['message']} ({why['reason']})")
    return 0


def _clock(ahead_ms: int | None, last_sync: str | None) -> str:
    """This kiosk's clock as the server last judged it."""
    if ahead_ms:
        days = ahead_ms / 86_400_000
        amount = f"{days / 365:.0f} years" if days >= 730 else f"{days:.1f} days" if days >= 1 else \
            f"{ahead_ms / 3_600_000:.1f} hours"
        return (f"runs {amount} ahead of the server: the events it stamps ahead are refused; "
                "set the clock right (dates here follow the server's time)")
    return "in step with the server" if last_sync else "not compared with a server yet"
