"""`toolkiosk` as a person or a script uses it: real processes, real output, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def toolkiosk(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TOOLKIOSK_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "kiosk.cli", *args], capture_output=True, text=True, env=env)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    assert toolkiosk(home, "init", "--library", "maple", "--name", "Maple Street").returncode == 0
    assert toolkiosk(home, "tools", "add", "--code", "T1", "--name", "Cordless drill", "--category", "Power tools > Drills",
                     "--kit", "battery", "--kit", "charger").returncode == 0
    assert toolkiosk(home, "tools", "add", "--code", "T2", "--name", "Spade", "--loan-days", "14").returncode == 0
    result = toolkiosk(home, "members", "add", "--code", "M1", "--name", "Ana Lopez", "--email", "ana@example.org",
                       "--expires", "2030-01-01", "--waiver-accepted")
    assert result.returncode == 0, result.stderr
    return home


def test_a_library_day_without_a_screen(home):
    out = toolkiosk(home, "checkout", "M1", "T1", "T2", "--format", "json")
    assert out.returncode == 0, out.stderr
    assert [l["tool_code"] for l in json.loads(out.stdout)] == ["T1", "T2"]
    assert toolkiosk(home, "renew", "T2").returncode == 0
    back = toolkiosk(home, "checkin", "T1", "--condition", "missing-parts", "--missing", "charger")
    assert back.returncode == 0 and "in_repair" in back.stdout
    loans = json.loads(toolkiosk(home, "loans", "--member", "M1", "--format", "json").stdout)
    assert [(l["tool_code"], l["renewals"]) for l in loans] == [("T2", 1)]
    assert json.loads(toolkiosk(home, "stats", "--format", "json").stdout)["loans_total"] == 2


def test_a_refused_checkout_prints_every_reason_and_lends_nothing(home):
    toolkiosk(home, "tools", "retire", "T2")
    out = toolkiosk(home, "checkout", "M1", "T1", "T2", "NOPE")
    assert out.returncode != 0
    assert out.returncode == 6 and out.stdout == ""  # refusals are errors: a script reading stdout sees no loans
    assert "Nothing was checked out" in out.stderr
    assert "retired" in out.stderr and "No tool has the code NOPE" in out.stderr
    assert json.loads(toolkiosk(home, "loans", "--format", "json").stdout) == []


def test_overdue_json_has_the_documented_keys_and_csv_a_header(home):
    toolkiosk(home, "checkout", "M1", "T1")
    rows = json.loads(toolkiosk(home, "overdue", "--as-of", "2099-01-01", "--format", "json").stdout)
    assert list(rows[0]) == ["tool_code", "tool_name", "member_code", "member_name", "contact", "due", "days_overdue"]
    assert rows[0]["contact"] == "ana@example.org"
    csv_out = toolkiosk(home, "overdue", "--as-of", "2099-01-01", "--format", "csv").stdout.splitlines()
    assert csv_out[0] == "tool_code,tool_name,member_code,member_name,contact,due,days_overdue" and len(csv_out) == 2
    assert toolkiosk(home, "overdue", "--as-of", "yesterday").returncode == 2


def test_errors_go_to_stderr_with_a_non_zero_exit_and_change_nothing(home, tmp_path):
    events_before = toolkiosk(home, "stats", "--format", "json").stdout
    for args, message in [
        (("checkin", "NOPE"), "no tool has the code NOPE"),
        (("tools", "add", "--code", "T1", "--name", "Again"), "already exists"),
        (("members", "edit", "M9", "--name", "X"), "no member has the card M9"),
        (("members", "add", "--name", "Bo", "--expires", "soon"), "expiry must be a date"),
    ]:
        result = toolkiosk(home, *args)
        assert result.returncode != 0 and message in result.stderr, (args, result.stderr)
    assert toolkiosk(home, "stats", "--format", "json").stdout == events_before
    missing = toolkiosk(tmp_path / "nowhere", "tools", "list")
    assert missing.returncode != 0 and "toolkiosk init" in missing.stderr


def test_search_and_show(home):
    found = json.loads(toolkiosk(home, "tools", "search", "dri", "--format", "json").stdout)
    assert [t["code"] for t in found] == ["T1"]
    shown = json.loads(toolkiosk(home, "tools", "show", "T1", "--format", "json").stdout)
    assert shown["kit"] == ["battery", "charger"] and shown["category"] == "Power tools > Drills"


def test_conflicts_can_be_listed_and_resolved(tmp_path):
    home = tmp_path / "demo"
    assert toolkiosk(home, "demo", "--no-ui").returncode == 0
    [conflict] = json.loads(toolkiosk(home, "conflicts", "--format", "json").stdout)
    assert conflict["kind"] == "double_checkout" and len(conflict["loans"]) == 2
    result = toolkiosk(home, "conflicts", "resolve", conflict["id"], "--resolution", "Back-room scan was a mistake")
    assert result.returncode == 0, result.stderr
    assert json.loads(toolkiosk(home, "conflicts", "--format", "json").stdout) == []


def test_demo_is_realistic_and_the_same_every_time(tmp_path):
    summaries = []
    for name in ("a", "b"):
        out = toolkiosk(tmp_path / name, "demo", "--no-ui")
        assert out.returncode == 0, out.stderr
        tools = json.loads(toolkiosk(tmp_path / name, "tools", "list", "--format", "json").stdout)
        summaries.append((out.stdout.split(":", 1)[1], [(t["code"], t["name"], t["category"]) for t in tools]))
    assert summaries[0] == summaries[1]
    tools = summaries[0][1]
    assert len(tools) >= 200 and len({t[2] for t in tools}) >= 10
    stats = json.loads(toolkiosk(tmp_path / "a", "stats", "--format", "json").stdout)
    assert stats["members"] == 50 and stats["loans_overdue"] > 0 and stats["conflicts_open"] == 1
    assert stats["loans_total"] > stats["loans_open"] > 0
    real = tmp_path / "real"
    toolkiosk(real, "init", "--library", "oak", "--name", "Oak")
    refused = toolkiosk(real, "demo", "--no-ui")
    assert refused.returncode != 0 and "not the demo" in refused.stderr
