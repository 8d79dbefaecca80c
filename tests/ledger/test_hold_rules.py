"""The pure rules of holds, as the kiosk and the server both use them."""

from datetime import date

import pytest

from kiosk.ledger import InvalidInput, hold_rules, limits, rules

SETTINGS = {**rules.DEFAULT_SETTINGS, "open_weekdays": ["tue", "thu", "sat"]}
MEMBER = {"status": "active", "expires": "2030-01-01", "waiver_version": "1"}
THURSDAY = date(2026, 11, 19)


def _hold(id_, tool, order, *, any_copy=False, key="saw|power tools", member="M1"):
    return {"id": id_, "tool_code": tool, "sort_order": order, "placed_hlc": order, "placed_device": "D",
            "any_copy": any_copy, "copy_key": key, "member_code": member, "status": "waiting"}


def test_the_pickup_window_counts_opening_days_like_due_dates():
    # open Tue, Thu, Sat: 7 opening days after Thursday 19 Nov end on Saturday 5 Dec
    assert hold_rules.pickup_deadline(THURSDAY, SETTINGS) == date(2026, 12, 5)
    assert hold_rules.pickup_deadline(THURSDAY, {**SETTINGS, "hold_pickup_days": 1}) == date(2026, 11, 21)
    holiday = {**SETTINGS, "hold_pickup_days": 1, "closed_dates": ["2026-11-21"]}
    assert hold_rules.pickup_deadline(THURSDAY, holiday) == date(2026, 11, 24)


def test_short_name_is_first_name_and_initial():
    assert hold_rules.short_name("Ana Lopez") == "Ana L."
    assert hold_rules.short_name("María José de la Cruz") == "María C."
    assert hold_rules.short_name("Cher") == "Cher"
    assert hold_rules.short_name(None) == ""


def test_copies_share_name_and_category_unless_a_volunteer_linked_them():
    assert hold_rules.copy_key({"name": "Tile  saw", "category": "Power tools > Saws"}) == \
        hold_rules.copy_key({"name": "tile saw", "category": "Power Tools>Saws"})
    assert hold_rules.copy_key({"name": "Tile saw", "category": "Power tools"}) != \
        hold_rules.copy_key({"name": "Tile saw", "category": "Garden"})
    linked = [{"name": "Tile saw", "copy_group": "wet saws"}, {"name": "Wet saw", "copy_group": "Wet  Saws"}]
    assert hold_rules.copy_key(linked[0]) == hold_rules.copy_key(linked[1])


def test_queue_order_is_by_order_then_clock_and_any_copy_competes_with_the_whole_group():
    holds = [_hold("a", "T1", 10), _hold("b", "T2", 20), _hold("c", "T1", 30, any_copy=True), _hold("d", "T2", 5)]
    assert hold_rules.positions(holds) == {"d": 1, "a": 1, "b": 2, "c": 4}
    assert hold_rules.next_in_line("T1", "saw|power tools", holds)["id"] == "a"
    assert hold_rules.next_in_line("T3", "saw|power tools", holds)["id"] == "c"  # a third copy: only "any copy" takes it
    assert hold_rules.next_in_line("T3", "drill|", holds) is None


def test_a_tool_set_aside_is_kept_for_its_member_until_the_window_ends_then_for_the_next_in_line():
    ready = [{"id": "r", "member_code": "M1", "status": "ready", "ready_until": "2026-11-21", "set_aside_hlc": 1}]
    waiting = [_hold("w", "T1", 10, member="M2")]
    assert hold_rules.held_for(ready, waiting, "T1", "k", THURSDAY)["member_code"] == "M1"
    assert hold_rules.held_for(ready, waiting, "T1", "k", date(2026, 11, 22))["member_code"] == "M2"
    assert hold_rules.held_for(ready, [], "T1", "k", date(2026, 11, 22)) is None
    assert hold_rules.shown_status(ready[0], date(2026, 11, 22)) == "expired"
    assert rules.held_refusal("T1", {"held_for": "M1"}, "M2").reason == "held_for_another"
    assert rules.held_refusal("T1", {"held_for": "M1"}, "M1") is None


def test_holds_are_refused_for_the_same_reasons_as_checkouts_and_their_own():
    args = dict(active_holds=0, has_it=False, already_waiting=False, settings=SETTINGS, today=THURSDAY)
    tool = {"name": "Tile saw", "status": "on_loan"}
    assert hold_rules.place_refusals(MEMBER, "M1", "T1", tool, **args) == []
    reasons = {r.reason for r in hold_rules.place_refusals(
        {**MEMBER, "status": "suspended", "waiver_version": None, "expires": "2020-01-01"}, "M1", "T1", tool, **args)}
    assert reasons == {"suspended", "waiver_missing", "membership_expired"}
    assert [r.reason for r in hold_rules.place_refusals(None, "M9", "T1", tool, **args)] == ["unknown_member"]
    full = hold_rules.place_refusals(MEMBER, "M1", "T1", {**tool, "status": "retired"},
                                     **{**args, "active_holds": 3, "has_it": True, "already_waiting": True})
    assert [r.reason for r in full] == ["not_holdable", "hold_limit", "already_has", "already_waiting"]
    assert full[1].message == "You may wait for 3 tools at once and are waiting for 3. Cancel one first."
    off = hold_rules.place_refusals(MEMBER, "M1", "T1", tool, **{**args, "settings": {**SETTINGS, "max_holds": 0}})
    assert off[0].message == "This library does not take holds."


def test_a_renewal_is_refused_when_someone_waits():
    loan = {"tool_code": "T1", "renewals": 0, "due": "2026-11-26"}
    assert rules.renewal_refusal(loan, SETTINGS, THURSDAY) is None
    refusal = rules.renewal_refusal(loan, SETTINGS, THURSDAY, waiting=2)
    assert refusal.reason == "someone_waiting" and refusal.params == {"waiting": 2}


def test_new_settings_have_ranges():
    limits.check_values({"hold_pickup_days": 1, "max_holds": 0}, "settings")
    limits.check_values({"hold_pickup_days": None}, "settings")
    for bad in ({"hold_pickup_days": 0}, {"hold_pickup_days": 61}, {"max_holds": -1}, {"max_holds": 51},
                {"max_holds": True}, {"max_holds": "3"}):
        with pytest.raises(InvalidInput):
            limits.check_values(bad, "settings")


def test_a_coordinator_can_move_a_hold_to_any_place():
    others = [100, 200, 300]
    assert hold_rules.reorder_value(others, 1) < 100
    assert 100 < hold_rules.reorder_value(others, 2) < 200
    assert hold_rules.reorder_value(others, 4) > 300
    assert hold_rules.reorder_value(others, 99) > 300
