"""`toolkiosk-server coordinator ...` and `reminders send`, run as the server's command line runs them."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from sync.server import open_storage
from sync.server.web import accounts
from sync.server.web.commands import add_commands
from sync.server.web.db import WebDB


def run(data: Path, *argv: str, stdin: str = "", monkeypatch: pytest.MonkeyPatch) -> int:
    """Parses and runs like `toolkiosk-server --data DIR ...` with the web commands added."""
    parser = argparse.ArgumentParser(prog="toolkiosk-server")
    parser.add_argument("--data")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["--data", str(data), *argv])
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    storage = open_storage(data)
    try:
        return args.handler(args, storage)
    finally:
        storage.close()


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("TOOLKIOSK_WEB_DATA", raising=False)
    store = open_storage(tmp_path / "data")
    store.add_library("maple", "Maple Street Tool Library")
    store.close()
    return tmp_path / "data"


def test_coordinator_add_prints_a_first_password_once(data, monkeypatch, capsys):
    assert run(data, "coordinator", "add", "maple", "--email", "ana@example.org", monkeypatch=monkeypatch) == 0
    out = capsys.readouterr().out
    password = out.split("keep it safe): ")[1].strip()
    db = WebDB(data / "web" / "web.db")
    account = accounts.authenticate(db, "ana@example.org", password)
    assert account is not None and (account.library, account.role) == ("maple", "coordinator")
    assert password not in (data / "web" / "web.db").read_bytes().decode("latin-1")
    db.close()


def test_volunteer_with_a_password_from_stdin_list_and_remove(data, monkeypatch, capsys):
    assert run(data, "coordinator", "add", "maple", "--email", "vic@example.org", "--role", "volunteer",
               "--password-stdin", stdin="volunteers password\n", monkeypatch=monkeypatch) == 0
    assert "keep it safe" not in capsys.readouterr().out
    assert run(data, "coordinator", "list", monkeypatch=monkeypatch) == 0
    assert "maple  vic@example.org  volunteer" in capsys.readouterr().out
    assert run(data, "coordinator", "remove", "vic@example.org", monkeypatch=monkeypatch) == 0
    assert run(data, "coordinator", "remove", "vic@example.org", monkeypatch=monkeypatch) == 2


def test_refusals(data, monkeypatch, capsys):
    assert run(data, "coordinator", "add", "nosuch", "--email", "a@example.org", monkeypatch=monkeypatch) == 1
    assert "no library 'nosuch'" in capsys.readouterr().err
    assert run(data, "coordinator", "add", "maple", "--email", "not-an-address", monkeypatch=monkeypatch) == 2
    assert run(data, "coordinator", "add", "maple", "--email", "a@example.org", "--password-stdin",
               stdin="short\n", monkeypatch=monkeypatch) == 2
    assert "at least 12 characters" in capsys.readouterr().err
    run(data, "coordinator", "add", "maple", "--email", "a@example.org", monkeypatch=monkeypatch)
    assert run(data, "coordinator", "add", "maple", "--email", "A@example.org", monkeypatch=monkeypatch) == 2


def test_new_password_signs_out_everywhere(data, monkeypatch, capsys):
    run(data, "coordinator", "add", "maple", "--email", "ana@example.org", monkeypatch=monkeypatch)
    db = WebDB(data / "web" / "web.db")
    account = accounts.listing(db)[0]
    db.execute("INSERT INTO sessions (token_hash, account_id, csrf_secret, created_at, last_seen) VALUES ('x', ?, 's', 0, 0)",
               (account.id,))
    assert run(data, "coordinator", "password", "ana@example.org", "--password-stdin",
               stdin="a brand new password\n", monkeypatch=monkeypatch) == 0
    assert db.query("SELECT * FROM sessions") == []
    assert accounts.authenticate(db, "ana@example.org", "a brand new password")
    db.close()


def test_reminders_send_with_nothing_switched_on(data, monkeypatch, capsys):
    assert run(data, "reminders", "send", monkeypatch=monkeypatch) == 0
    assert run(data, "reminders", "send", "--library", "maple", monkeypatch=monkeypatch) == 0
    assert "maple: reminders are switched off" in capsys.readouterr().out
    assert run(data, "reminders", "send", "--library", "maple", "--dry-run", monkeypatch=monkeypatch) == 0
