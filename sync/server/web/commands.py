"""`toolkiosk-server` subcommands for the web pages, and mounting them for `serve`.

    toolkiosk-server coordinator add maple --email ana@example.org            # prints a first password
    toolkiosk-server coordinator add maple --email vol@example.org --role volunteer
    toolkiosk-server coordinator password ana@example.org --password-stdin
    toolkiosk-server coordinator list [maple]
    toolkiosk-server coordinator remove vol@example.org
    toolkiosk-server reminders send [--library maple] [--force] [--dry-run]   # run hourly, e.g. from a timer

The pages keep their tables (accounts, sessions, login failures, reminder
log) in the server's PostgreSQL when it runs on one, else in ``web.db`` in
the ``web`` folder beside the server's data or in $TOOLKIOSK_WEB_DATA, where
the read models (a cache of the event log) always live. Mail goes through $TOOLKIOSK_SMTP_HOST (see
``SmtpSettings.from_env``).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from sync.server.db import is_postgres_url
from sync.server.errors import NotFound
from sync.server.storage import Storage
from sync.server.web import accounts
from sync.server.web.accounts import AccountError
from sync.server.web.adapter import StorageSource
from sync.server.web.config import SmsSettings, SmtpSettings, WebConfig
from sync.server.web.mount import mount_web
from sync.server.web.reminders import send as sending, settings as reminder_settings
from sync.server.web.state import WebState

log = logging.getLogger(__name__)


def add_commands(commands: Any) -> None:
    """Adds `coordinator` and `reminders` to the subparsers of `toolkiosk-server`."""
    coordinator = commands.add_parser("coordinator", help="accounts for the coordinators' web pages").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = coordinator.add_parser("add", help="add a coordinator (or a read-only volunteer) to a library")
    p.add_argument("slug")
    p.add_argument("--email", required=True)
    p.add_argument("--role", choices=accounts.ROLES, default="coordinator")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(handler=_coordinator_add)
    p = coordinator.add_parser("password", help="set a new password (signs the account out everywhere)")
    p.add_argument("email")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(handler=_coordinator_password)
    p = coordinator.add_parser("list", help="list the accounts")
    p.add_argument("slug", nargs="?")
    p.set_defaults(handler=_coordinator_list)
    p = coordinator.add_parser("remove", help="remove an account")
    p.add_argument("email")
    p.set_defaults(handler=_coordinator_remove)

    reminders = commands.add_parser("reminders", help="due-soon and overdue reminders").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = reminders.add_parser("send", help="send today's reminders where the library's hour has come")
    p.add_argument("--library", help="only this library (default: every library with reminders on)")
    p.add_argument("--force", action="store_true", help="send now, whatever the hour, even if switched off")
    p.add_argument("--dry-run", action="store_true", help="print what would be sent; send and log nothing")
    p.set_defaults(handler=_reminders_send)


WEB_DATA_ENV = "TOOLKIOSK_WEB_DATA"


def web_data_dir(args: argparse.Namespace) -> Path:
    if os.environ.get(WEB_DATA_ENV):
        return Path(os.environ[WEB_DATA_ENV])
    data = str(getattr(args, "data", "") or "toolkiosk-data")
    if "://" in data:
        raise SystemExit("toolkiosk-server: set TOOLKIOSK_WEB_DATA to a folder for the web pages' files")
    return Path(data) / "web"


def web_config(args: argparse.Namespace) -> WebConfig:
    insecure = os.environ.get("TOOLKIOSK_WEB_INSECURE_COOKIES", "") in ("1", "true", "yes")
    target = getattr(args, "database", None) or str(getattr(args, "data", "") or "")
    return WebConfig(data_dir=web_data_dir(args), database_url=target if is_postgres_url(target) else None,
                     smtp=SmtpSettings.from_env(), sms=SmsSettings.from_env(), cookie_secure=not insecure,
                     public_url=os.environ.get("TOOLKIOSK_PUBLIC_URL", ""))


def mount_on(app: FastAPI, storage: Storage, args: argparse.Namespace) -> WebState:
    """For `serve`: the pages under /web, on the server's own storage."""
    return mount_web(app, StorageSource(storage), web_config(args))


def _password(args: argparse.Namespace) -> tuple[str, bool]:
    """(password, generated)."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    return accounts.new_password(), True


def _coordinator_add(args: argparse.Namespace, storage: Storage) -> int:
    try:
        storage.library(args.slug)
    except NotFound as exc:
        print(f"toolkiosk-server: {exc}", file=sys.stderr)
        return 1
    password, generated = _password(args)
    state = WebState(StorageSource(storage), web_config(args))
    try:
        account = accounts.add(state.db, args.slug, args.email, password, args.role)
    except AccountError as exc:
        print(f"toolkiosk-server: {exc}", file=sys.stderr)
        return 2
    finally:
        state.close()
    print(f"added the {account.role} {account.email} to {account.library}")
    if generated:
        print(f"first password (shown once, ask them to keep it safe): {password}")
    return 0


def _coordinator_password(args: argparse.Namespace, storage: Storage) -> int:
    password, generated = _password(args)
    state = WebState(StorageSource(storage), web_config(args))
    try:
        accounts.set_password(state.db, args.email, password)
    except AccountError as exc:
        print(f"toolkiosk-server: {exc}", file=sys.stderr)
        return 2
    finally:
        state.close()
    print(f"new password for {args.email}" + (f": {password}" if generated else " set"))
    return 0


def _coordinator_list(args: argparse.Namespace, storage: Storage) -> int:
    state = WebState(StorageSource(storage), web_config(args))
    try:
        rows = accounts.listing(state.db, args.slug)
    finally:
        state.close()
    for account in rows:
        print(f"{account.library}  {account.email}  {account.role}")
    if not rows:
        print("(none)")
    return 0


def _coordinator_remove(args: argparse.Namespace, storage: Storage) -> int:
    state = WebState(StorageSource(storage), web_config(args))
    try:
        accounts.remove(state.db, args.email)
    except AccountError as exc:
        print(f"toolkiosk-server: {exc}", file=sys.stderr)
        return 2
    finally:
        state.close()
    print(f"removed {args.email}")
    return 0


def _reminders_send(args: argparse.Namespace, storage: Storage) -> int:
    state = WebState(StorageSource(storage), web_config(args))
    try:
        libraries = [args.library] if args.library else reminder_settings.enabled_libraries(state.db)
        failed = 0
        for library in libraries:
            try:
                failed += _remind(state, library, args)
            except Exception as exc:  # one library's bad data is reported; the libraries after it still get theirs
                log.exception("reminders for library %s failed", library)
                print(f"toolkiosk-server: {library}: reminders failed: {exc}", file=sys.stderr)
                failed += 1
    finally:
        state.close()
    return 1 if failed else 0


def _remind(state: WebState, library: str, args: argparse.Namespace) -> int:
    """Sends (or with --dry-run, lists) one library's reminders; returns how many failed."""
    if args.dry_run:
        for message in sending.preview(state, library):
            p = message.planned
            print(f"{library}: {p.kind} {p.channel} to {p.recipient}: {message.subject or message.body[:70]}")
        return 0
    outcome = sending.send(state, library, force=args.force)
    print(outcome.summary())
    return outcome.failed
