"""Holds at two kiosks that could not see each other for a while, then exchanged their events.

Each case ends with both kiosks agreeing on every table, whatever order the
events arrived in.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from kiosk.ledger import Ledger, Refused, SyncBatch
from tests.conftest import TODAY

START_MS = 1_790_000_000_000


def _wall(offset_ms: int = 0):
    ticks = itertools.count()
    return lambda: START_MS + offset_ms + next(ticks)


def _exchange(*ledgers: Ledger) -> None:
    for source, target in itertools.permutations(ledgers, 2):
        target.apply_sync(SyncBatch(acks={}, events=source.events(), meta={}))


@pytest.fixture
def kiosks(tmp_path: Path):
    """Kiosks A and B of one library, stocked and in step; B's clock runs later than A's."""
    a = Ledger.create(tmp_path / "a", library="maple", name="Maple", wall=_wall())
    b = Ledger.create(tmp_path / "b", library="maple", name="Maple", wall=_wall(60_000))
    a.configure(open_weekdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    for code, name in (("T1", "Tile saw"), ("T2", "Spade")):
        a.add_tool(code, name)
    for code, name in (("M1", "Ana Lopez"), ("M2", "Ben Okafor"), ("M3", "Cy Nguyen")):
        a.add_member(code, name, expires="2030-01-01")
        a.accept_waiver(code)
    _exchange(a, b)
    yield a, b
    a.close()
    b.close()


def _agree(a: Ledger, b: Ledger) -> None:
    _exchange(a, b)
    assert a.projection_snapshot() == b.projection_snapshot()
    snapshot = a.projection_snapshot()
    a.rebuild()
    assert a.projection_snapshot() == snapshot


def test_a_hold_placed_while_another_kiosk_lends_the_tool_waits_for_the_return(kiosks):
    a, b = kiosks
    a.checkout("M1", ["T1"], today=TODAY)
    _exchange(a, b)
    hold = a.place_hold("M2", "T1", today=TODAY)   # A: Ben joins the waiting list
    b.checkin("T1", today=TODAY)                   # B, offline: Ana's saw comes back and goes straight out to Cy
    [loan] = b.checkout("M3", ["T1"], today=TODAY)
    _agree(a, b)
    for kiosk in (a, b):
        assert kiosk.loan(loan["id"])["provisional"] == 0 and kiosk.conflicts() == []
        assert kiosk.hold(hold["id"])["status"] == "waiting" and kiosk.hold(hold["id"])["position"] == 1
        assert kiosk.tool("T1")["status"] == "on_loan"
    assert a.checkin("T1", today=TODAY)["hold"]["id"] == hold["id"]
    _agree(a, b)
    assert b.tool("T1")["status"] == "on_hold_shelf"


def test_two_kiosks_setting_one_tool_aside_for_different_members_is_a_conflict(kiosks):
    a, b = kiosks
    ben = a.place_hold("M2", "T2", today=TODAY)    # the spade is on the shelf: set aside at once
    cy = b.place_hold("M3", "T2", today=TODAY)
    assert ben["status"] == cy["status"] == "ready"
    _agree(a, b)
    for kiosk in (a, b):
        [conflict] = kiosk.conflicts()
        assert conflict["kind"] == "double_set_aside"
        assert [h["id"] for h in conflict["holds"]] == [ben["id"], cy["id"]]
        assert kiosk.hold(cy["id"])["provisional"] and not kiosk.hold(ben["id"])["provisional"]
    a.resolve_conflict(a.conflicts()[0]["id"], "Ben takes it; Cy waits for the next one")
    _agree(a, b)
    assert b.conflicts() == []


def test_a_tool_set_aside_at_one_kiosk_and_lent_at_another_is_a_conflict_with_both_sides(kiosks):
    a, b = kiosks
    ben = a.place_hold("M2", "T2", today=TODAY)    # A sets the spade aside for Ben
    [loan] = b.checkout("M3", ["T2"], today=TODAY)  # B, offline, lends it to Cy
    _agree(a, b)
    for kiosk in (a, b):
        [conflict] = kiosk.conflicts()
        assert conflict["kind"] == "set_aside_lent"
        assert [h["member_code"] for h in conflict["holds"]] == ["M2"]
        assert [l["member_code"] for l in conflict["loans"]] == ["M3"]
        assert kiosk.tool("T2")["status"] == "on_loan"
        assert kiosk.hold(ben["id"])["provisional"]
    # when Cy brings it back, it is still Ben's
    assert b.checkin("T2", today=TODAY)["hold"]["id"] == ben["id"]
    _agree(a, b)


@pytest.mark.parametrize("cancel_first", [True, False], ids=["cancelled-earlier", "cancelled-later"])
def test_a_hold_cancelled_at_one_kiosk_while_set_aside_at_another_frees_the_tool_for_the_next(tmp_path, cancel_first):
    # which of the two happened first by the clock must not change the outcome
    a = Ledger.create(tmp_path / "a", library="maple", name="Maple", wall=_wall(0 if cancel_first else 60_000))
    b = Ledger.create(tmp_path / "b", library="maple", name="Maple", wall=_wall(60_000 if cancel_first else 0))
    a.configure(open_weekdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    a.add_tool("T1", "Tile saw")
    for code, name in (("M1", "Ana Lopez"), ("M2", "Ben Okafor"), ("M3", "Cy Nguyen")):
        a.add_member(code, name, expires="2030-01-01")
        a.accept_waiver(code)
    a.checkout("M1", ["T1"], today=TODAY)
    ben = a.place_hold("M2", "T1", today=TODAY)
    cy = a.place_hold("M3", "T1", today=TODAY)
    _exchange(a, b)
    a.cancel_hold(ben["id"], today=TODAY)                  # A: Ben no longer needs it
    assert b.checkin("T1", today=TODAY)["hold"]["id"] == ben["id"]   # B, offline: set aside for Ben
    _agree(a, b)
    for kiosk in (a, b):
        assert kiosk.hold(ben["id"])["status"] == "cancelled"
        assert kiosk.tool("T1")["status"] == "available"
        [item] = kiosk.hold_shelf(TODAY)
        assert (item["state"], item["action"], item["next"]) == ("open_shelf", "set_aside", "Cy N.")
    with pytest.raises(Refused):
        b.checkout("M1", ["T1"], today=TODAY)
    assert b.set_aside_next("T1", today=TODAY)["id"] == cy["id"]
    _agree(a, b)
    assert a.hold(cy["id"])["status"] == "ready"
    a.close()
    b.close()
