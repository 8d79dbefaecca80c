"""`toolkiosk-server`: who takes part, and serving the sync API.

    toolkiosk-server --data DIR library add maple --name "Maple Street Tool Library"
    toolkiosk-server --data DIR library partner maple oak
    toolkiosk-server --data DIR library unpartner maple oak
    toolkiosk-server --data DIR device invite maple --name "front desk"   # prints a one-time code
    toolkiosk-server --data DIR device reenroll maple "front desk"   # the same kiosk, enrolled again
    toolkiosk-server --data DIR device revoke maple "front desk"
    toolkiosk-server --data DIR serve --host 0.0.0.0 --port 8080 --max-clock-ahead 24

``--data DIR`` keeps everything in SQLite in that folder (the default needs
no set-up); ``--database postgresql://...`` uses PostgreSQL instead.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date, datetime, timezone
from typing import Any, Sequence

from kiosk.ledger.limits import INVITE_DAYS
from sync.protocol import ProtocolError
from sync.server.errors import ServerError
from sync.server import open_storage
from sync.server.drift import MAX_AHEAD_MS, MIN_AHEAD_MS, describe_ms
from sync.server.storage import Storage
from sync.server.web.commands import add_commands as add_web_commands

MAX_WORKERS = 64


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="toolkiosk-server", description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--data", metavar="DIR", default=os.environ.get("TOOLKIOSK_SERVER_DATA", "toolkiosk-data"),
                       help="folder for the SQLite database (default: $TOOLKIOSK_SERVER_DATA or ./toolkiosk-data); "
                            "a postgresql:// URL works here too")
    where.add_argument("--database", metavar="URL", default=os.environ.get("TOOLKIOSK_DATABASE_URL"),
                       help="PostgreSQL URL for a hosted, many-library server (default: $TOOLKIOSK_DATABASE_URL)")
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    library = commands.add_parser("library", help="libraries and their partnerships").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = library.add_parser("add", help="add a library")
    p.add_argument("slug", help="2 to 8 lowercase letters or digits, as the kiosks were set up with")
    p.add_argument("--name", required=True)
    p.set_defaults(handler=_library_add)
    library.add_parser("list", help="list the libraries").set_defaults(handler=_library_list)
    p = library.add_parser("partner", help="let two libraries see each other's catalog and availability")
    p.add_argument("a")
    p.add_argument("b")
    p.set_defaults(handler=_library_partner)
    p = library.add_parser("unpartner", help="end a partnership: each library stops seeing the other's catalog")
    p.add_argument("a")
    p.add_argument("b")
    p.set_defaults(handler=_library_unpartner)

    device = commands.add_parser("device", help="kiosks allowed to sync").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = device.add_parser("invite", help="print a one-time enrollment code for a new kiosk")
    p.add_argument("slug")
    p.add_argument("--name", required=True, help="what to call the kiosk, e.g. 'front desk'")
    p.add_argument("--days", type=_invite_days, default=7,
                   help=f"how long the code stays valid, {INVITE_DAYS[0]} to {INVITE_DAYS[1]} days (default: 7)")
    p.set_defaults(handler=_device_invite)
    p = device.add_parser("reenroll", help="print a one-time code that enrolls an existing kiosk again under its "
                                           "own id (a kiosk restored from a backup, or one revoked by mistake)")
    p.add_argument("slug")
    p.add_argument("device", help="the kiosk's id or name, as `device list` shows it")
    p.add_argument("--days", type=int, default=7, help="how long the code stays valid (default: 7)")
    p.set_defaults(handler=_device_reenroll)
    p = device.add_parser("revoke", help="stop a kiosk from syncing (by id or name)")
    p.add_argument("slug")
    p.add_argument("device")
    p.set_defaults(handler=_device_revoke)
    p = device.add_parser("list", help="list the kiosks")
    p.add_argument("slug", nargs="?")
    p.set_defaults(handler=_device_list)

    p = commands.add_parser("flags", help="refused events to look at: cloned SD cards, restored backups")
    p.add_argument("slug", nargs="?")
    p.set_defaults(handler=_flags)
    p = commands.add_parser("forget", help="clear borrowers of loans returned before the retention period")
    p.set_defaults(handler=_forget)
    commands.add_parser("migrate", help="create or upgrade the database, then exit").set_defaults(handler=_migrate)

    p = commands.add_parser("serve", help="serve the sync API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--log-level", default="warning")
    p.add_argument("--workers", type=int, default=1,
                   help="server processes answering on this port (default: 1); more hosts may serve the same "
                        "PostgreSQL behind one proxy")
    p.add_argument("--max-clock-ahead", metavar="HOURS", type=_hours,
                   default=os.environ.get("TOOLKIOSK_MAX_CLOCK_AHEAD_HOURS", "24"),
                   help="refuse events stamped this far ahead of the server's clock, and flag their kiosk "
                        "(default: 24, or TOOLKIOSK_MAX_CLOCK_AHEAD_HOURS)")
    p.set_defaults(handler=_serve)
    add_web_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        options = {"max_ahead_ms": args.max_clock_ahead} if getattr(args, "max_clock_ahead", None) else {}
        storage = open_storage(args.database or args.data, **options)
    except Exception as exc:  # a bad URL, an unreachable database, an unwritable folder
        print(f"toolkiosk-server: cannot open {args.database or args.data}: {exc}", file=sys.stderr)
        return 2
    try:
        return int(args.handler(args, storage) or 0)
    except (ServerError, ProtocolError) as exc:
        print(f"toolkiosk-server: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        storage.close()


def _print(args: argparse.Namespace, rows: list[dict[str, Any]], columns: Sequence[str]) -> None:
    if args.json:
        print(json.dumps(rows, indent=2, default=str))
        return
    if not rows:
        print("(none)")
        return
    cells = [[("" if r.get(c) is None else str(r.get(c))) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip())
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())


def _hours(text: str) -> int:
    """Hours as milliseconds, within the range the server allows."""
    try:
        ms = round(float(text) * 3_600_000)
    except (ValueError, OverflowError):  # not a number, nan, inf
        ms = -1
    if not MIN_AHEAD_MS <= ms <= MAX_AHEAD_MS:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of hours from {MIN_AHEAD_MS / 3_600_000:.2f} to {MAX_AHEAD_MS // 3_600_000}")
    return ms


def _when(ms: int | None) -> str | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d %H:%M")


def _library_add(args: argparse.Namespace, storage: Storage) -> int:
    lib = storage.add_library(args.slug, args.name)
    print(f"added the library {lib['slug']} ({lib['name']})")
    return 0


def _library_list(args: argparse.Namespace, storage: Storage) -> int:
    _print(args, storage.libraries(), ["slug", "name", "devices", "events", "partners"])
    return 0


def _library_partner(args: argparse.Namespace, storage: Storage) -> int:
    storage.add_partners(args.a, args.b)
    print(f"{args.a} and {args.b} now see each other's catalog (never each other's members)")
    return 0


def _library_unpartner(args: argparse.Namespace, storage: Storage) -> int:
    storage.remove_partners(args.a, args.b)
    print(f"{args.a} and {args.b} no longer see each other's catalog; their kiosks keep what they had")
    return 0


def _device_invite(args: argparse.Namespace, storage: Storage) -> int:
    code = storage.invite(args.slug, args.name, days=args.days)
    if args.json:
        print(json.dumps({"library": args.slug, "name": args.name, "code": code}))
    else:
        print(code)
        print(f"On the kiosk: toolkiosk enroll --server URL --code {code}   (valid {args.days} days, once)",
              file=sys.stderr)
    return 0


def _device_reenroll(args: argparse.Namespace, storage: Storage) -> int:
    code = storage.invite(args.slug, "", days=args.days, device=args.device)
    if args.json:
        print(json.dumps({"library": args.slug, "device": args.device, "code": code}))
    else:
        print(code)
        print(f"On that kiosk: toolkiosk enroll --server URL --code {code}   (valid {args.days} days, once; "
              "its old token stops working)", file=sys.stderr)
    return 0


def _device_revoke(args: argparse.Namespace, storage: Storage) -> int:
    device = storage.revoke(args.slug, args.device)
    print(f"revoked {device.name} ({device.id}); its token no longer works")
    return 0


def _device_list(args: argparse.Namespace, storage: Storage) -> int:
    rows = [{**d, "enrolled": _when(d["enrolled_ms"]), "revoked": _when(d["revoked_ms"]),
             "last_seen": _when(d["last_seen_ms"]), "version": d["software_version"], "waiting": d["events_waiting"],
             "clock_s": None if d["clock_offset_ms"] is None else f"{d['clock_offset_ms'] / 1000:+.1f}",
             "clock_ahead": None if d["clock_ahead_ms"] is None else describe_ms(d["clock_ahead_ms"])}
            for d in storage.devices(args.slug)]
    _print(args, rows, ["library", "id", "name", "enrolled", "last_seen", "version", "waiting", "outbox", "clock_s",
                        "clock_ahead", "revoked"])
    return 0


def _flags(args: argparse.Namespace, storage: Storage) -> int:
    rows = [{**f, "at": _when(f["at_ms"])} for f in storage.flags(args.slug)]
    _print(args, rows, ["at", "library", "device", "event_id", "reason", "message"])
    return 0


def _invite_days(text: str) -> int:
    """--days of an enrollment code, in the range every part of the server holds it to."""
    least, most = INVITE_DAYS
    if not text.strip().isdigit() or not least <= int(text) <= most:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of days from {least} to {most}")
    return int(text)


def _forget(args: argparse.Namespace, storage: Storage) -> int:
    print(f"forgot the borrowers of {storage.forget_old_borrowers(date.today())} old loans")
    return 0


def _migrate(args: argparse.Namespace, storage: Storage) -> int:
    print("the database is up to date")
    return 0


def _serve(args: argparse.Namespace, storage: Storage) -> int:
    from sync.server.serving import serve

    if args.workers < 1 or args.workers > MAX_WORKERS:
        print(f"toolkiosk-server: --workers is 1 to {MAX_WORKERS}", file=sys.stderr)
        return 2
    return serve(args, storage)


if __name__ == "__main__":
    sys.exit(main())
