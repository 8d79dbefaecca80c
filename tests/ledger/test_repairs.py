"""Repair tickets: opened by a volunteer or a return, worked on, closed back into service or retired."""

import pytest

from kiosk.ledger import InvalidInput, NotFound, Refused
from kiosk.ledger.repair_rules import COST_MAX, NOTE_MAX
from tests.conftest import TODAY


def test_a_tool_with_an_open_ticket_is_refused_at_checkout_until_fixed(stocked_ledger):
    ticket = stocked_ledger.open_repair("T1", "Chuck slips", today=TODAY)
    assert ticket["status"] == "open" and ticket["tool_name"] == "Cordless drill"
    assert stocked_ledger.tool("T1")["status"] == "in_repair"
    with pytest.raises(Refused) as refused:
        stocked_ledger.checkout("M1", ["T1"], today=TODAY)
    assert [r.reason for r in refused.value.refusals] == ["in_repair"]

    stocked_ledger.update_repair(ticket["id"], status="waiting_parts", assignee="Sam", parts="new chuck", today=TODAY)
    closed = stocked_ledger.update_repair(ticket["id"], status="fixed", cost="18.40", note="Chuck replaced", today=TODAY)
    assert (closed["status"], closed["cost"], closed["assignee"], closed["closed_at"]) == (
        "fixed", 18.4, "Sam", TODAY.isoformat())
    assert closed["notes"] == [{"at": TODAY.isoformat(), "text": "Chuck replaced"}]
    assert stocked_ledger.tool("T1")["status"] == "available"
    assert stocked_ledger.checkout("M1", ["T1"], today=TODAY)[0]["tool_code"] == "T1"


def test_an_open_ticket_keeps_the_tool_in_repair_even_if_the_catalog_says_available(stocked_ledger):
    stocked_ledger.open_repair("T2", "Handle cracked", today=TODAY)
    stocked_ledger.set_tool_status("T2", "available")   # someone put it back by hand
    with pytest.raises(Refused) as refused:
        stocked_ledger.checkout("M1", ["T2"], today=TODAY)
    assert refused.value.refusals[0].reason == "in_repair"


def test_cannot_be_fixed_retires_the_tool(stocked_ledger):
    ticket = stocked_ledger.open_repair("T3", "Bent rail", today=TODAY)
    stocked_ledger.update_repair(ticket["id"], status="cannot_fix", note="Unsafe to climb", today=TODAY)
    assert stocked_ledger.tool("T3")["status"] == "retired"
    with pytest.raises(InvalidInput):
        stocked_ledger.open_repair("T3", "still bent", today=TODAY)


def test_bad_updates_say_why_and_change_nothing(stocked_ledger):
    ticket = stocked_ledger.open_repair("T1", "Chuck slips", today=TODAY)
    events = len(stocked_ledger.events())
    for bad in ({"status": "broken"}, {"cost": "lots"}, {"cost": COST_MAX + 1}, {"cost": -1},
                {"note": "x" * (NOTE_MAX + 1)}, {}):
        with pytest.raises(InvalidInput):
            stocked_ledger.update_repair(ticket["id"], **bad, today=TODAY)
    with pytest.raises(InvalidInput):           # one open ticket per tool
        stocked_ledger.open_repair("T1", "again", today=TODAY)
    with pytest.raises(InvalidInput):
        stocked_ledger.open_repair("T2", "   ", today=TODAY)
    with pytest.raises(NotFound):
        stocked_ledger.update_repair("nope", note="hello", today=TODAY)
    with pytest.raises(NotFound):
        stocked_ledger.open_repair("NOPE", "gone", today=TODAY)
    assert len(stocked_ledger.events()) == events
    stocked_ledger.update_repair(ticket["id"], status="fixed", today=TODAY)
    with pytest.raises(InvalidInput, match="closed"):
        stocked_ledger.update_repair(ticket["id"], status="open", today=TODAY)
    assert stocked_ledger.update_repair(ticket["id"], note="Works well", today=TODAY)["status"] == "fixed"


def test_open_tickets_list_oldest_first_then_by_shelf_and_filter_by_status(stocked_ledger):
    from datetime import timedelta

    stocked_ledger.edit_tool("T1", shelf="B2")
    stocked_ledger.edit_tool("T2", shelf="A1")
    late = stocked_ledger.open_repair("T3", "Wobbly", today=TODAY + timedelta(days=2))
    b2 = stocked_ledger.open_repair("T1", "Slips", today=TODAY)
    a1 = stocked_ledger.open_repair("T2", "Cracked", today=TODAY)
    assert [t["id"] for t in stocked_ledger.repairs(open_only=True)] == [a1["id"], b2["id"], late["id"]]
    stocked_ledger.update_repair(b2["id"], status="fixed", today=TODAY)
    assert [t["id"] for t in stocked_ledger.repairs(status="fixed")] == [b2["id"]]
    assert stocked_ledger.repair_for_tool("T1") is None
    with pytest.raises(InvalidInput):
        stocked_ledger.repairs(status="whatever")


def test_a_second_return_needing_repair_adds_to_the_open_ticket(stocked_ledger):
    ticket = stocked_ledger.open_repair("T1", "Chuck slips", today=TODAY)
    stocked_ledger.checkin("T1", "repair", problem="Smells of smoke", today=TODAY)   # scanned back in by mistake
    [only] = stocked_ledger.repairs()
    assert only["id"] == ticket["id"] and only["notes"][0]["text"] == "Returned again: Smells of smoke"


def test_tickets_rebuild_from_the_log_to_the_same_rows(stocked_ledger):
    ticket = stocked_ledger.open_repair("T1", "Chuck slips", today=TODAY)
    stocked_ledger.update_repair(ticket["id"], assignee="Sam", cost=5, today=TODAY)
    stocked_ledger.update_repair(ticket["id"], status="fixed", note="done", today=TODAY)
    before = stocked_ledger.projection_snapshot()
    stocked_ledger.rebuild()
    assert stocked_ledger.projection_snapshot() == before


def test_a_ticket_says_who_returned_the_tool_until_the_retention_rule_forgets_them(stocked_ledger):
    from datetime import timedelta

    stocked_ledger.checkout("M1", ["T1"], today=TODAY)
    stocked_ledger.checkin("T1", "repair", problem="Sparks", today=TODAY)
    ticket = stocked_ledger.repair_for_tool("T1")
    assert ticket["returned_by"] == "Ana Lopez"
    stocked_ledger.forget_old_borrowers(today=TODAY + timedelta(days=400))
    assert stocked_ledger.repair(ticket["id"])["returned_by"] is None
    assert stocked_ledger.repair(ticket["id"])["problem"] == "Sparks"
