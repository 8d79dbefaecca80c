"""A realistic demo library, the same every time: tools, members, loans, one conflict.

Who the library is, its tools and its members are data in assets/demo
(library.toml, tools.csv, members.csv); this module seeds them and makes
ninety days of lending up to today, so the demo always has loans due soon
and loans overdue. Codes come from a fixed demo device part, so labels
printed from one demo run scan in the next.
"""

from __future__ import annotations

import csv
import random
import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kiosk import assets
from kiosk.ledger import Event, Ledger, SyncBatch
from kiosk.ledger.codes import mint_code
from kiosk.ledger.ids import uuid7

LIBRARY: dict[str, Any] = tomllib.loads(assets.path("demo", "library.toml").read_text(encoding="utf-8"))
SLUG: str = LIBRARY["slug"]
NAME: str = LIBRARY["name"]
DEVICE_PART: str = LIBRARY["device_part"]
BACK_ROOM = "DEMOBACKROOM"  # the second kiosk, offline when it lent the drill again


def _rows(name: str) -> list[dict[str, str]]:
    with assets.path("demo", name).open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def seed_demo(home: Path, *, today: date | None = None) -> Ledger:
    """Creates the demo library in an empty ``home``."""
    rng = random.Random(20261122)
    ledger = Ledger.create(home, library=SLUG, name=NAME, device_name=LIBRARY["device_name"])
    today = today or ledger.today()
    ledger.configure(**LIBRARY["settings"])
    tools = _seed_tools(ledger)
    borrowers = _seed_members(ledger, today)
    _seed_loans(ledger, rng, tools, borrowers, today)
    _seed_conflict(ledger, borrowers, today)
    return ledger


def _seed_tools(ledger: Ledger) -> list[str]:
    codes = []
    for number, row in enumerate(_rows("tools.csv"), 1):
        code = mint_code(SLUG, "tool", DEVICE_PART, number)
        ledger.add_tool(code, row["name"], category=row["category"], brand=row["brand"], model=row["model"],
                        shelf=row["shelf"], condition=row["condition"], replacement_value=float(row["replacement_value"]),
                        kit=row["kit"].split(";") if row["kit"] else None, keywords=row["keywords"] or None)
        if row["status"] == "in_repair":   # waiting on the volunteers' repairs list
            ledger.open_repair(code, row["status_note"] or "Needs a look")
        elif row["status"]:
            ledger.set_tool_status(code, row["status"], row["status_note"] or None)
        codes.append(code)
    return codes


# where the demo's members live, for the impact report; the last is too small a group to be shown
AREAS = ("Northside", "Riverside", "Old Town", "Eastgate", "Northside", "Riverside", "Old Town", "Eastgate",
         "Hill Park", None)


def _seed_members(ledger: Ledger, today: date) -> list[str]:
    """Adds the members; returns the codes of those who may borrow (in time, waiver signed, not suspended)."""
    borrowers = []
    for number, row in enumerate(_rows("members.csv"), 1):
        code = mint_code(SLUG, "member", DEVICE_PART, number)
        expires = today + timedelta(days=int(row["expires_in_days"]))
        ledger.add_member(code, row["name"], email=row["email"], phone=row["phone"] or None, expires=expires.isoformat(),
                          area=AREAS[number % len(AREAS)])
        if row["waiver"] == "yes":
            ledger.accept_waiver(code)
        if row["status"]:
            ledger.edit_member(code, status=row["status"], notes=row["notes"] or None)
        if row["waiver"] == "yes" and not row["status"] and expires > today:
            borrowers.append(code)
    return borrowers


def _seed_loans(ledger: Ledger, rng: random.Random, tools: list[str], borrowers: list[str], today: date) -> None:
    """Ninety days of lending, in the order it happened, ending today."""
    lendable = [c for c in tools if ledger.tool(c)["status"] == "available"]
    for days_ago in range(90, 0, -1):
        day = today - timedelta(days=days_ago)
        for loan in ledger.loans():
            if loan["due"] <= day.isoformat() and rng.random() < 0.6 and days_ago > 10:
                ledger.checkin(loan["tool_code"], today=day)
        for _ in range(rng.randint(1, 4)):
            tool, member = rng.choice(lendable), rng.choice(borrowers)
            if not ledger.checkout_refusals(member, [tool], day):
                ledger.checkout(member, [tool], today=day)
    ledger.checkin(ledger.loans()[0]["tool_code"], condition="repair", problem="Chuck wobbles", today=today)


def _seed_conflict(ledger: Ledger, borrowers: list[str], today: date) -> None:
    """The same drill checked out at a second, offline kiosk: a double checkout to settle."""
    out = ledger.loans()[-1]
    stamp = int(ledger.meta("hlc")) + 1
    event = Event(uuid7(), SLUG, BACK_ROOM, 1, stamp, "loan.opened", 1, "loan:demo-conflict",
                  {"loan_id": "demo-conflict", "tool": out["tool_code"], "member": borrowers[20],
                   "due": (today + timedelta(days=7)).isoformat(), "at": today.isoformat()})
    ledger.apply_sync(SyncBatch(acks={}, events=[event], meta={}, device_names={BACK_ROOM: "Back room"}))
