"""Holds through the Ledger API: waiting lists, the hold shelf, and what check-in and checkout do with them."""

from datetime import date, timedelta

import pytest

from kiosk.ledger import InvalidInput, NotFound, Refused
from tests.conftest import TODAY


@pytest.fixture
def library(stocked_ledger):
    """The stocked library with a third member, and two copies of a tile saw."""
    stocked_ledger.add_member("M3", "Cy Nguyen", expires="2030-01-01")
    stocked_ledger.accept_waiver("M3")
    stocked_ledger.add_tool("S1", "Tile saw", category="Power tools > Saws", shelf="B2")
    stocked_ledger.add_tool("S2", "Tile saw", category="Power tools > Saws", shelf="B3")
    return stocked_ledger


def _reasons(call):
    with pytest.raises(Refused) as refused:
        call()
    return [r.reason for r in refused.value.refusals]


def test_a_returned_tool_goes_to_the_hold_shelf_for_the_first_in_line(library):
    library.checkout("M1", ["T1"], today=TODAY)
    first = library.place_hold("M2", "T1", today=TODAY)
    second = library.place_hold("M3", "T1", today=TODAY)
    assert (first["status"], first["position"], second["position"]) == ("waiting", 1, 2)

    result = library.checkin("T1", today=TODAY)
    assert result["hold"]["id"] == first["id"] and result["hold"]["shelf_name"] == "Ben O."
    assert result["hold"]["ready_until"] == (TODAY + timedelta(days=7)).isoformat()  # open every day
    assert result["tool"]["status"] == "on_hold_shelf"
    assert library.hold(second["id"])["position"] == 1
    assert library.holds_ready_for("M2", TODAY)[0]["tool_name"] == "Cordless drill"

    assert _reasons(lambda: library.checkout("M3", ["T1"], today=TODAY)) == ["held_for_another"]
    [loan] = library.checkout("M2", ["T1"], today=TODAY)
    assert library.hold(first["id"])["status"] == "picked_up"
    assert library.tool("T1")["status"] == "on_loan"
    # Cy still waits, so Ben cannot renew
    assert _reasons(lambda: library.renew("T1", today=TODAY)) == ["someone_waiting"]
    assert loan["member_code"] == "M2"


def test_a_tool_in_poor_condition_goes_to_repair_and_to_the_hold_shelf_once_fixed(library):
    library.checkout("M1", ["T1"], today=TODAY)
    hold = library.place_hold("M2", "T1", today=TODAY)
    result = library.checkin("T1", "repair", today=TODAY)
    assert result["hold"] is None and result["tool"]["status"] == "in_repair"
    assert library.set_tool_status("T1", "available")["status"] == "in_repair"   # its ticket is still open
    library.update_repair(library.repair_for_tool("T1")["id"], status="fixed")
    assert library.tool("T1")["status"] == "on_hold_shelf"
    assert library.hold(hold["id"])["status"] == "ready"


def test_any_copy_takes_the_first_copy_back_and_a_copy_on_the_shelf_at_once(library):
    library.checkout("M1", ["S1", "S2"], today=TODAY)
    anyone = library.place_hold("M2", "S1", any_copy=True, today=TODAY)
    only_s1 = library.place_hold("M3", "S1", today=TODAY)
    assert library.checkin("S2", today=TODAY)["hold"]["id"] == anyone["id"]
    assert library.hold(anyone["id"])["tool_code"] == "S2"
    assert library.checkin("S1", today=TODAY)["hold"]["id"] == only_s1["id"]

    library.checkout("M2", ["S2"], today=TODAY)
    library.checkout("M3", ["S1"], today=TODAY)
    library.checkin("S2", today=TODAY)
    # S2 is back on the open shelf: a hold for any copy sets it aside at once
    placed = library.place_hold("M1", "S1", any_copy=True, today=TODAY)
    assert (placed["status"], placed["tool_code"]) == ("ready", "S2")


def test_a_volunteer_links_copies_that_differ_in_name(library):
    library.add_tool("S3", "Wet saw", category="Saws")
    library.checkout("M1", ["S1", "S2"], today=TODAY)
    hold = library.place_hold("M2", "S1", any_copy=True, today=TODAY)
    assert hold["status"] == "waiting"
    for code in ("S1", "S2", "S3"):
        library.edit_tool(code, copy_group="tile saws")
    assert library.hold(hold["id"])["status"] == "ready" and library.tool("S3")["status"] == "on_hold_shelf"


def test_cancelling_a_hold_on_the_shelf_passes_the_tool_on(library):
    library.checkout("M1", ["T1"], today=TODAY)
    ben = library.place_hold("M2", "T1", today=TODAY)
    cy = library.place_hold("M3", "T1", today=TODAY)
    library.checkin("T1", today=TODAY)
    result = library.cancel_hold(ben["id"], "found one elsewhere", today=TODAY)
    assert result["hold"]["status"] == "cancelled" and result["passed_to"]["id"] == cy["id"]
    library.cancel_hold(cy["id"], today=TODAY)
    assert library.tool("T1")["status"] == "available"
    with pytest.raises(InvalidInput):
        library.cancel_hold(cy["id"])
    with pytest.raises(NotFound):
        library.cancel_hold("no-such-hold")


def test_the_hold_shelf_says_what_to_do_with_each_item_after_the_window(library):
    library.checkout("M1", ["T1", "T2"], today=TODAY)
    ben = library.place_hold("M2", "T1", today=TODAY)
    cy = library.place_hold("M3", "T1", today=TODAY)
    ben_spade = library.place_hold("M2", "T2", today=TODAY)
    library.checkin("T1", today=TODAY)
    library.checkin("T2", today=TODAY)
    shelf = {i["tool_code"]: i for i in library.hold_shelf(TODAY)}
    assert {c: (i["for"], i["state"], i["action"]) for c, i in shelf.items()} == {
        "T1": ("Ben O.", "ready", "keep"), "T2": ("Ben O.", "ready", "keep")}

    later = TODAY + timedelta(days=8)
    shelf = {i["tool_code"]: i for i in library.hold_shelf(later)}
    assert (shelf["T1"]["state"], shelf["T1"]["action"], shelf["T1"]["next"]) == ("expired", "next", "Cy N.")
    assert (shelf["T2"]["action"], shelf["T2"]["next"]) == ("put_back", None)
    assert library.hold(ben["id"], later)["status"] == "expired"
    with pytest.raises(InvalidInput, match="runs until"):
        library.expire_hold(ben["id"], TODAY)

    assert library.expire_hold(ben["id"], later)["passed_to"]["id"] == cy["id"]
    assert library.expire_hold(ben_spade["id"], later)["passed_to"] is None
    assert library.tool("T2")["status"] == "available"
    assert [h["status"] for h in library.holds(member_code="M2")] == ["expired", "expired"]


def test_after_the_window_the_tool_is_no_longer_kept(library):
    library.checkout("M1", ["T2"], today=TODAY)
    hold = library.place_hold("M2", "T2", today=TODAY)
    library.checkin("T2", today=TODAY)
    later = TODAY + timedelta(days=8)
    library.checkout("M3", ["T2"], today=later)  # no one else waits: anyone may take it, and the hold expires
    assert library.hold(hold["id"])["status"] == "expired"


def test_limits_on_holds(library):
    library.checkout("M1", ["T1"], today=TODAY)
    assert _reasons(lambda: library.place_hold("M1", "T1", today=TODAY)) == ["already_has"]
    library.place_hold("M2", "T1", today=TODAY)
    assert _reasons(lambda: library.place_hold("M2", "T1", today=TODAY)) == ["already_waiting"]
    library.configure(max_holds=1)
    assert _reasons(lambda: library.place_hold("M2", "T3", today=TODAY)) == ["hold_limit"]
    library.edit_member("M3", status="suspended")
    assert _reasons(lambda: library.place_hold("M3", "T1", today=TODAY)) == ["suspended"]
    library.set_tool_status("T3", "retired")
    assert "not_holdable" in _reasons(lambda: library.place_hold("M1", "T3", today=TODAY))
    assert _reasons(lambda: library.place_hold("M9", "T1", today=TODAY)) == ["unknown_member"]
    assert len(library.holds()) == 1
    for bad in ({"max_holds": 51}, {"hold_pickup_days": 0}):
        with pytest.raises(InvalidInput):
            library.configure(**bad)


def test_a_coordinator_moves_a_hold_forward_with_a_reason(library):
    library.checkout("M1", ["T1"], today=TODAY)
    ben = library.place_hold("M2", "T1", today=TODAY)
    cy = library.place_hold("M3", "T1", today=TODAY)
    with pytest.raises(InvalidInput, match="say why"):
        library.reorder_hold(cy["id"], 1, " ")
    with pytest.raises(InvalidInput, match="at most 200"):
        library.reorder_hold(cy["id"], 1, "x" * 201)
    moved = library.reorder_hold(cy["id"], 1, "waited since spring on paper")
    assert moved["position"] == 1 and moved["reorder_reason"] == "waited since spring on paper"
    assert library.hold(ben["id"])["position"] == 2
    assert library.checkin("T1", today=TODAY)["hold"]["id"] == cy["id"]


def test_holds_are_rebuilt_from_the_log_alike(library):
    library.checkout("M1", ["T1", "S1", "S2"], today=TODAY)
    library.place_hold("M2", "T1", today=TODAY)
    library.place_hold("M3", "S1", any_copy=True, today=TODAY)
    library.checkin("S2", today=TODAY)
    library.checkin("T1", today=TODAY)
    before = library.projection_snapshot()
    assert before["holds"]
    library.rebuild()
    assert library.projection_snapshot() == before


def test_ended_holds_forget_their_member_after_the_retention_period(library):
    library.checkout("M1", ["T1"], today=TODAY)
    hold = library.place_hold("M2", "T1", today=TODAY)
    library.cancel_hold(hold["id"], today=TODAY)
    waiting = library.place_hold("M3", "T1", today=TODAY)
    assert library.forget_old_borrowers(today=TODAY + timedelta(days=91)) == 1
    assert library.hold(hold["id"])["member_code"] is None
    assert library.hold(waiting["id"])["member_code"] == "M3"   # a current hold is kept
    placed = [e for e in library.events() if e.entity == f"hold:{hold['id']}" and e.type == "hold.placed"]
    assert placed[0].payload["member"] is None
    before = library.projection_snapshot()
    library.rebuild()
    assert library.projection_snapshot() == before
