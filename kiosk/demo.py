"""A realistic demo library, the same every time: tools, members, loans, one conflict.

Dates are relative to today, so the demo always has loans due soon and
loans overdue. Codes come from a fixed demo device part, so labels printed
from one demo run scan in the next.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from kiosk.ledger import Event, Ledger, SyncBatch
from kiosk.ledger.codes import mint_code
from kiosk.ledger.ids import uuid7

SLUG = "demo"
NAME = "Maple Street Tool Library"
DEVICE_PART = "DEMO0"
BACK_ROOM = "DEMOBACKROOM"  # the second kiosk, offline when it lent the drill again

CATALOG: dict[str, list[str]] = {
    "Power tools > Drills": ["Cordless drill", "Hammer drill", "Impact driver", "Right-angle drill", "Drill press"],
    "Power tools > Saws": ["Circular saw", "Jigsaw", "Reciprocating saw", "Mitre saw", "Oscillating multi-tool"],
    "Power tools > Sanders": ["Orbital sander", "Belt sander", "Detail sander"],
    "Hand tools > Hammers": ["Claw hammer", "Sledgehammer", "Rubber mallet"],
    "Hand tools > Wrenches": ["Socket set", "Adjustable wrench", "Pipe wrench", "Torque wrench"],
    "Hand tools > Clamps": ["Bar clamp", "C-clamp set", "Corner clamp"],
    "Garden > Digging": ["Spade", "Post-hole digger", "Garden fork", "Mattock"],
    "Garden > Pruning": ["Hedge trimmer", "Lopper", "Pole saw", "Pruning shears"],
    "Garden > Lawn": ["Lawn aerator", "Push mower", "Leaf blower", "String trimmer"],
    "Ladders": ["Step ladder 6 ft", "Extension ladder 24 ft", "Multi-position ladder"],
    "Plumbing": ["Drain snake", "Plunger kit", "Pipe cutter", "Tile cutter"],
    "Electrical": ["Multimeter", "Wire stripper", "Stud finder", "Extension reel"],
    "Painting": ["Paint sprayer", "Wallpaper steamer", "Roller kit"],
    "Measuring": ["Laser level", "Spirit level 48 in", "Laser distance meter", "Moisture meter"],
    "Cleaning": ["Carpet cleaner", "Pressure washer", "Wet-dry vacuum"],
    "Kitchen > Preserving": ["Canning kit", "Dehydrator", "Apple press"],
    "Camping": ["Tent for four", "Camp stove", "Cooler"],
}
BRANDS = ["Makita", "DeWalt", "Bosch", "Ryobi", "Stanley", "Fiskars", "Werner", "Klein", "Wagner", "Milwaukee"]
KITS = {"Cordless drill": ["battery", "charger", "case"], "Socket set": ["case"], "Canning kit": ["rack", "funnel", "lifter"],
        "Tent for four": ["poles", "pegs", "rain fly"], "Paint sprayer": ["nozzle set", "hose"]}
FIRST = ["Ana", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Imani", "Jonas", "Kiri", "Luis", "Maya",
         "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sami", "Tess", "Umar", "Vera", "Wen", "Ximena", "Yusuf"]
LAST = ["Lopez", "Okafor", "Martin", "Nguyen", "Schmidt", "Haddad", "Kowalski", "Tanaka", "Silva", "Brown"]


def seed_demo(home: Path, *, today: date | None = None) -> Ledger:
    """Creates the demo library in an empty ``home``."""
    rng = random.Random(20261122)
    ledger = Ledger.create(home, library=SLUG, name=NAME, device_name="Front counter")
    today = today or ledger.today()
    ledger.configure(category_loan_days={"Power tools": 7, "Garden": 14, "Camping": 4, "Ladders": 3},
                     open_weekdays=["mon", "tue", "wed", "thu", "fri", "sat"],
                     opening_hours={d: "10:00-18:00" for d in ("mon", "tue", "wed", "thu", "fri")} | {"sat": "10:00-14:00"})
    tools = _seed_tools(ledger, rng)
    members = _seed_members(ledger, rng, today)
    _seed_loans(ledger, rng, tools, members, today)
    _seed_conflict(ledger, tools, members, today)
    return ledger


def _seed_tools(ledger: Ledger, rng: random.Random) -> list[str]:
    codes, number = [], 0
    for category, names in CATALOG.items():
        for name in names:
            for copy in range(rng.choice((3, 3, 4))):
                number += 1
                code = mint_code(SLUG, "tool", DEVICE_PART, number)
                brand = rng.choice(BRANDS)
                ledger.add_tool(code, name, category=category, brand=brand, model=f"{brand[:2].upper()}-{rng.randint(100, 999)}",
                                shelf=f"{chr(65 + len(codes) % 8)}{1 + copy}", condition=rng.choice(["good", "good", "fair", "new"]),
                                replacement_value=float(rng.choice([25, 40, 80, 120, 250, 400])), kit=KITS.get(name),
                                keywords="cordless battery" if "Cordless" in name else None)
                codes.append(code)
    for code in codes[5::37]:
        ledger.set_tool_status(code, "in_repair", "Blade needs sharpening")
    ledger.set_tool_status(codes[11], "missing")
    ledger.set_tool_status(codes[23], "retired")
    return codes


def _seed_members(ledger: Ledger, rng: random.Random, today: date) -> list[str]:
    codes = []
    for number in range(1, 51):
        first, last = FIRST[number % len(FIRST)], LAST[(number * 7) % len(LAST)]
        code = mint_code(SLUG, "member", DEVICE_PART, number)
        expires = today + timedelta(days=rng.randint(30, 700)) if number != 7 else today - timedelta(days=20)
        ledger.add_member(code, f"{first} {last}", email=f"{first.lower()}.{last.lower()}@example.org",
                          phone=f"555-01{number:02d}" if number % 3 else None, expires=expires.isoformat())
        if number != 9:
            ledger.accept_waiver(code)
        codes.append(code)
    ledger.edit_member(codes[12], status="suspended", notes="Three tools came back broken")
    return codes


def _seed_loans(ledger: Ledger, rng: random.Random, tools: list[str], members: list[str], today: date) -> None:
    """Ninety days of lending, in the order it happened, ending today."""
    lendable = [c for c in tools if ledger.tool(c)["status"] == "available"]
    borrowers = [m for i, m in enumerate(members) if i not in (6, 8, 12)]
    for days_ago in range(90, 0, -1):
        day = today - timedelta(days=days_ago)
        for loan in ledger.loans():
            if loan["due"] <= day.isoformat() and rng.random() < 0.6 and days_ago > 10:
                ledger.checkin(loan["tool_code"], today=day)
        for _ in range(rng.randint(1, 4)):
            tool, member = rng.choice(lendable), rng.choice(borrowers)
            if not ledger.checkout_refusals(member, [tool], day):
                ledger.checkout(member, [tool], today=day)
    ledger.checkin(ledger.loans()[0]["tool_code"], condition="repair", note="Chuck wobbles", today=today)


def _seed_conflict(ledger: Ledger, tools: list[str], members: list[str], today: date) -> None:
    """The same drill checked out at a second, offline kiosk: a double checkout to settle."""
    out = ledger.loans()[-1]
    stamp = int(ledger.meta("hlc")) + 1
    event = Event(uuid7(), SLUG, BACK_ROOM, 1, stamp, "loan.opened", 1, "loan:demo-conflict",
                  {"loan_id": "demo-conflict", "tool": out["tool_code"], "member": members[20],
                   "due": (today + timedelta(days=7)).isoformat(), "at": today.isoformat()})
    ledger.apply_sync(SyncBatch(acks={}, events=[event], meta={}, device_names={BACK_ROOM: "Back room"}))
