"""Values out of range, hostile cells and broken files at the command line: real `toolkiosk` processes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sync.helpers import SERVER_BIN
from tests.test_cli import home, toolkiosk  # noqa: F401 (the fixture)


def _state(home: Path) -> str:
    """Everything the library holds, as the command line shows it."""
    return "".join(toolkiosk(home, *args, "--format", "json").stdout
                   for args in (("tools", "list"), ("members", "list"), ("loans", "--all")))


@pytest.mark.parametrize("args, message", [
    (("tools", "add", "--code", "T9", "--name", "x" * 20_000), "at most 200 characters"),
    (("tools", "add", "--code", "C" * 250, "--name", "Drill"), "1 to 64 characters"),
    (("tools", "add", "--code", "T9", "--name", "Drill", "--loan-days", "5000000"), "from 1 to 365"),
    (("tools", "add", "--code", "T9", "--name", "Drill", "--loan-days", "-5"), "from 1 to 365"),
    (("tools", "edit", "T1", "--loan-days", "0"), "from 1 to 365"),
    (("members", "add", "--code", "M9", "--name", "Bo", "--email", "bo@example.org\nBcc: all@example.org"),
     "not an email address"),
    (("members", "edit", "M1", "--email", "not an address"), "not an email address"),
    (("members", "edit", "M1", "--phone", "555-0101; DROP"), "not a phone number"),
    (("members", "edit", "M1", "--expires", "9999-12-31"), "between 1900-01-01 and 2199-12-31"),
    (("members", "edit", "M1", "--loan-limit", "1000000000"), "from 0 to 1000"),
], ids=["20KB name", "250-char code", "huge loan days", "negative loan days", "zero loan days", "email line break",
        "email", "phone", "expiry", "loan limit"])
def test_values_out_of_range_are_refused_with_a_clear_message_and_nothing_written(home, args, message):
    before = _state(home)
    result = toolkiosk(home, *args)
    assert result.returncode == 2 and message in result.stderr and result.stdout == "", result.stderr
    assert _state(home) == before


def test_an_import_names_the_line_of_a_loan_length_out_of_range_and_writes_nothing(home, tmp_path):
    path = tmp_path / "tools.csv"
    path.write_text("code,name,loan_days\nT5,Saw,7 days\nT6,Ladder,9999999 weeks\nT7,Drill,-3\n")
    before = _state(home)
    result = toolkiosk(home, "tools", "import", str(path))
    assert result.returncode != 0 and _state(home) == before
    assert "line 3: loan_days: '9999999 weeks' is not a loan length this library can lend for" in result.stdout + result.stderr


def test_an_import_names_the_line_of_a_bad_email(home, tmp_path):
    path = tmp_path / "members.csv"
    path.write_text('code,name,email\nM5,Bo,bo@example.org\nM6,Cy,"cy@example.org\nBcc: all@example.org"\n')
    before = _state(home)
    result = toolkiosk(home, "members", "import", str(path))
    assert result.returncode != 0 and _state(home) == before
    assert "line 3:" in result.stdout + result.stderr and "not an email address" in result.stdout + result.stderr


def test_an_import_of_utf8_with_one_windows_1252_byte_keeps_every_other_accent(home, tmp_path):
    path = tmp_path / "tools.csv"
    path.write_bytes("code,name\nT5,Scie à métaux\nT6,Pince coupante\n".encode()
                     + "T7,Râpe\n".encode("cp1252") + "T8,Clé à molette\n".encode())
    result = toolkiosk(home, "tools", "import", str(path))
    assert result.returncode == 0, result.stderr
    assert "Line 4 is not UTF-8 like the rest of the file" in result.stdout + result.stderr
    names = {t["code"]: t["name"] for t in json.loads(toolkiosk(home, "tools", "list", "--format", "json").stdout)}
    assert (names["T5"], names["T7"], names["T8"]) == ("Scie à métaux", "Râpe", "Clé à molette")


def test_overdue_csv_writes_formulas_as_text(home):
    toolkiosk(home, "tools", "add", "--code", "T5", "--name", "=cmd|' /C calc'!A0")
    toolkiosk(home, "members", "add", "--code", "M5", "--name", "+SUM(1)", "--phone", "+44 20 7946 0000",
              "--expires", "2030-01-01", "--waiver-accepted")
    toolkiosk(home, "members", "edit", "M1", "--name", "@SUM(1)")
    assert toolkiosk(home, "checkout", "M5", "T5").returncode == 0
    assert toolkiosk(home, "checkout", "M1", "T1").returncode == 0
    out = toolkiosk(home, "overdue", "--as-of", "2029-01-01", "--format", "csv").stdout
    cells = [cell for row in csv.reader(io.StringIO(out)) for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells and "'+SUM(1)" in cells and "'@SUM(1)" in cells
    assert "+44 20 7946 0000" in cells   # a phone number is no formula
    assert not any(cell[:1] in ("=", "+", "@") and not cell.startswith("+44") for cell in cells)


@pytest.mark.parametrize("content", [b"", b"this is a shopping list, not a database\n"], ids=["empty", "text"])
def test_a_ledger_file_that_is_empty_or_not_sqlite_is_named_and_left_as_it_is(tmp_path, content):
    home = tmp_path / "home"
    home.mkdir()
    (home / "ledger.db").write_bytes(content)
    for args in (("tools", "list"), ("checkout", "M1", "T1"), ("members", "add", "--name", "Ana"), ("status",),
                 ("init", "--library", "maple", "--name", "Maple")):
        result = toolkiosk(home, *args)
        assert result.returncode == 5, (args, result.stderr)
        assert "ledger.db" in result.stderr and "nothing was changed" in result.stderr, (args, result.stderr)
        assert ("is empty (0 bytes)" if not content else "is not a SQLite database") in result.stderr
        assert "backup" in result.stderr and "toolkiosk init" in result.stderr
        assert "already holds a library" not in result.stderr
    assert (home / "ledger.db").read_bytes() == content
    assert sorted(p.name for p in home.iterdir()) == ["ledger.db"]


@pytest.mark.parametrize("days", ["-1", "0", "100000", "soon"])
def test_an_enrollment_code_valid_for_days_out_of_range_is_refused(tmp_path, days):
    data = tmp_path / "server"
    env = {**os.environ, "TOOLKIOSK_WEB_DATA": str(tmp_path / "web")}
    assert subprocess.run([str(SERVER_BIN), "--data", str(data), "library", "add", "maple", "--name", "Maple"],
                          capture_output=True, env=env).returncode == 0
    result = subprocess.run([str(SERVER_BIN), "--data", str(data), "device", "invite", "maple", "--name", "desk",
                             "--days", days], capture_output=True, text=True, env=env)
    assert result.returncode == 2 and "from 1 to 90" in result.stderr and result.stdout == ""
    listed = subprocess.run([sys.executable, "-c", "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("
                             "'SELECT count(*) FROM invitations').fetchone()[0])", str(data / "server.db")],
                            capture_output=True, text=True)
    assert listed.stdout.strip() in ("0", "")
