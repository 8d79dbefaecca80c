"""The impact report: checked against a hand-counted month, and the same after borrowers are forgotten."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from kiosk.ledger import InvalidInput, Ledger
from kiosk.ledger.impact import MERGED, Figures, combine, publish

MARCH = (date(2026, 3, 1), date(2026, 3, 31))

# Hand-counted for March 2026 (see build_march):
# 10 loans by 9 people; E1-E4 joined in January (returning), E5, E6, W1, W2, N1 in March (new).
# Value: drill 3 x 100 + saw 3 x 50 + ladder 2 x 80 = 610; the spade (2 loans) has no value.
# Categories: Power tools 6 loans by 6 people; Garden 2 by 2 and Ladders 2 by 2 merge: 4 loans.
# Areas: Eastside 6 borrowers; Westside 2 and not given 1 merge: 3.
EXPECTED = {
    "from": "2026-03-01", "to": "2026-03-31", "loans": 10, "borrowers": 9, "new_members": 5,
    "returning_members": 4, "value_lent": 610.0, "loans_without_value": 2, "repairs_closed": 1,
    "repair_cost": 12.5, "tools_added": 1,
    "by_category": [{"category": "Power tools", "loans": 6}, {"category": MERGED, "loans": 4}],
    "by_area": [{"area": "Eastside", "borrowers": 6}, {"area": MERGED, "borrowers": 3}],
}


class Wall:
    """A wall clock the test moves forward, so members and tools join on chosen days."""

    def __init__(self) -> None:
        self.day = date(2026, 1, 10)

    def __call__(self) -> int:
        return int(datetime(self.day.year, self.day.month, self.day.day, 12).timestamp() * 1000)


@pytest.fixture
def march(tmp_path) -> Ledger:
    wall = Wall()
    ledger = Ledger.create(tmp_path / "home", library="maple", name="Maple", wall=wall)
    ledger.configure(open_weekdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"], retention_days=90)
    ledger.add_tool("P1", "Drill", category="Power tools > Drills", replacement_value=100)
    ledger.add_tool("P2", "Saw", category="Power tools > Saws", replacement_value=50)
    ledger.add_tool("G1", "Spade", category="Garden")
    ledger.add_tool("L1", "Ladder", category="Ladders", replacement_value=80)
    for code in ("E1", "E2", "E3", "E4"):
        _member(ledger, code, "Eastside")
    wall.day = date(2026, 3, 5)
    for code, area in (("E5", "Eastside"), ("E6", "Eastside"), ("W1", "Westside"), ("W2", "Westside"), ("N1", None)):
        _member(ledger, code, area)
    ledger.add_tool("L2", "Ladder", category="Ladders", replacement_value=80)
    _lend(ledger, "E1", "P1", date(2026, 2, 20))      # before the period
    loans = [("E1", "P1", 2), ("E1", "G1", 3), ("E2", "P2", 4), ("E3", "P1", 6), ("E4", "P2", 7),
             ("E5", "P1", 9), ("E6", "L1", 10), ("W1", "G1", 12), ("W2", "L1", 14), ("N1", "P2", 31)]
    for member, tool, day in loans:
        _lend(ledger, member, tool, date(2026, 3, day))
    fixed = ledger.open_repair("L2", "Loose rung", today=date(2026, 3, 10))
    ledger.update_repair(fixed["id"], status="fixed", cost=12.5, today=date(2026, 3, 20))
    later = ledger.open_repair("P2", "Blunt", today=date(2026, 3, 25))
    ledger.update_repair(later["id"], status="fixed", cost=99, today=date(2026, 4, 2))
    wall.day = date(2026, 4, 5)
    return ledger


def _member(ledger: Ledger, code: str, area: str | None) -> None:
    ledger.add_member(code, f"Member {code}", expires="2030-01-01", **({"area": area} if area else {}))
    ledger.accept_waiver(code)


def _lend(ledger: Ledger, member: str, tool: str, day: date) -> None:
    ledger.checkout(member, [tool], today=day)
    ledger.checkin(tool, today=day + timedelta(days=1))


def test_the_report_matches_the_hand_count(march):
    assert march.impact_report(*MARCH) == EXPECTED


def test_the_report_gives_the_same_figures_after_borrowers_are_forgotten(march):
    assert march.forget_old_borrowers(today=date(2026, 9, 1)) == 11
    assert all(loan["member_code"] is None for loan in march.loans(open_only=False))
    opened = [e.payload for e in march.events() if e.type == "loan.opened"]
    assert not any(code in json.dumps(p) for p in opened for code in ("E1", "W1", "N1", "Member"))
    assert march.impact_report(*MARCH) == EXPECTED
    march.rebuild()   # the counts kept live in the log too
    assert march.impact_report(*MARCH) == EXPECTED


def test_the_report_gives_the_same_figures_after_members_ask_to_be_forgotten(march):
    """'Forget my history now' keeps what the report counts, area included, through a rebuild too."""
    for code in ("E1", "E2", "E3", "E4", "E5", "E6", "W1", "W2", "N1"):
        march.forget_history(code)
    assert all(loan["member_code"] is None for loan in march.loans(open_only=False))
    assert march.impact_report(*MARCH) == EXPECTED
    march.rebuild()
    assert march.impact_report(*MARCH) == EXPECTED


def test_a_group_of_five_people_is_shown_and_four_is_merged():
    figures = Figures(borrowers=9, areas={"North": 5, "South": 4}, categories={"Garden": (7, 5), "Paint": (3, 4)})
    report = publish(figures, *MARCH)
    assert report["by_area"] == [{"area": "North", "borrowers": 5}, {"area": MERGED, "borrowers": 4}]
    assert report["by_category"] == [{"category": "Garden", "loans": 7}, {"category": MERGED, "loans": 3}]
    assert publish(Figures(areas={"North": 6}), *MARCH)["by_area"] == [{"area": "North", "borrowers": 6}]


def test_partner_libraries_add_up_before_small_groups_merge():
    a = Figures(loans=3, borrowers=3, value_lent=10.5, areas={"Eastside": 3}, categories={"Garden": (3, 3)})
    b = Figures(loans=4, borrowers=2, value_lent=1.25, areas={"Eastside": 2}, categories={"Garden": (4, 2)})
    report = publish(combine([a, b]), *MARCH)
    assert (report["loans"], report["borrowers"], report["value_lent"]) == (7, 5, 11.75)
    assert report["by_area"] == [{"area": "Eastside", "borrowers": 5}]
    assert report["by_category"] == [{"category": "Garden", "loans": 7}]


def test_a_period_that_ends_before_it_starts_is_refused(march):
    with pytest.raises(InvalidInput):
        march.impact_report(date(2026, 3, 31), date(2026, 3, 1))
    with pytest.raises(InvalidInput):
        march.impact_report(date(2000, 1, 1), date(2026, 3, 1))


def test_a_members_area_has_a_length_limit(march):
    with pytest.raises(InvalidInput):
        march.edit_member("E1", area="x" * 41)
    assert march.edit_member("E1", area="  Riverside ")["area"] == "Riverside"
