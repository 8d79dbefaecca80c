"""A ledger poisoned by older software recovers by itself: its date comes from the wall clock again.

Older software let any stamp it received push its hybrid clock forward, and took
today's date from that clock. One event from a kiosk whose clock said 2096 (and
one hostile event at the largest stamp) left a kiosk believing it was 2096 or
6429: memberships read as ended, and every later write failed with OverflowError.
The poisoned file is built here as that software left it, row by row.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from kiosk.ledger import Ledger, clock, rules
from kiosk.ledger.events import Event
from kiosk.ledger.ids import uuid7
from kiosk.ledger.store import write_transaction

YEARS_70_MS = 70 * 365 * clock.DAY_MS


def _poison(home: Path) -> None:
    today = date.today()
    ledger = Ledger.create(home, library="maple", name="Maple")
    for code, name in (("T1", "Drill"), ("T2", "Saw"), ("T3", "Ladder")):
        ledger.add_tool(code, name)
    ledger.add_member("M1", "Ana Lopez", expires=(today + timedelta(days=400)).isoformat())
    ledger.accept_waiver("M1")
    ledger.checkout("M1", ["T2"])                      # a loan from before the poison
    future = clock.pack(clock.wall_ms() + YEARS_70_MS, 0)
    year_2096 = clock.stamp_date(future)
    poisoned = [
        # a kiosk with its clock in 2096 renamed a tool; older software took its stamp as the time
        Event(uuid7(), "maple", "WRONGCLOCK01", 1, future, "tool.edited", 1, "tool:T1",
              {"code": "T1", "fields": {"name": "Drill (renamed in 2096)"}}),
        # then this kiosk lent a tool, stamped and dated after that stamp
        Event(uuid7(), "maple", ledger.device["id"], int(ledger.meta("next_seq")), future + 1, "loan.opened", 1,
              "loan:poisoned-loan", {"loan_id": "poisoned-loan", "tool": "T1", "member": "M1",
                                     "at": year_2096.isoformat(), "due": (year_2096 + timedelta(days=7)).isoformat()}),
        # and a hostile device sent the largest stamp there is
        Event(uuid7(), "maple", "HOSTILE00001", 1, clock.MAX_STAMP, "tool.added", 1, "tool:T9",
              {"code": "T9", "fields": {"name": "Sent from nowhere"}}),
    ]
    with ledger._lock, write_transaction(ledger._conn, ledger.path):
        for event in poisoned:
            ledger._insert_event(event)
        ledger._put_meta({"hlc": str(clock.MAX_STAMP), "next_seq": str(poisoned[1].seq + 1)})
    ledger.close()


@pytest.fixture
def poisoned(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    _poison(home)
    return home


def test_a_poisoned_ledger_knows_the_date_and_lends_again(poisoned):
    ledger = Ledger.open(poisoned)
    today = date.today()
    assert ledger.today() == today
    assert ledger.checkout_refusals("M1", ["T3"]) == []          # the membership has not "ended"
    loan = ledger.checkout("M1", ["T3"])[0]
    settings = ledger.settings
    assert loan["due"] == rules.due_date(today, rules.loan_days(ledger.tool("T3"), settings), settings).isoformat()
    assert clock.physical_ms(ledger.events()[-1].hlc) <= clock.wall_ms()   # stamped now, not after 6429
    assert ledger.overdue() == []
    # the loan made while poisoned comes back, and the tool goes out again
    ledger.checkin("T1")
    again = ledger.checkout("M1", ["T1"])[0]
    assert again["due"] == loan["due"]
    assert ledger.tool("T1")["status"] == "on_loan"
    ledger.edit_tool("T3", name="Step ladder")
    assert ledger.tool("T3")["name"] == "Step ladder"
    ledger.close()


def test_the_command_line_works_on_a_poisoned_ledger(poisoned):
    env = {**os.environ, "TOOLKIOSK_HOME": str(poisoned)}
    run = lambda *args: subprocess.run([sys.executable, "-m", "kiosk.cli", *args],  # noqa: E731
                                       capture_output=True, text=True, env=env)
    out = run("checkout", "M1", "T3", "--format", "json")
    assert out.returncode == 0, out.stdout + out.stderr
    due = date.fromisoformat(json.loads(out.stdout)[0]["due"])
    assert date.today() < due <= date.today() + timedelta(days=14)
    assert run("tools", "add", "--code", "T4", "--name", "Wheelbarrow").returncode == 0
    overdue = run("overdue", "--format", "json")
    assert overdue.returncode == 0 and json.loads(overdue.stdout) == []
