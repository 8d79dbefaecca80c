"""Checkout, check-in, renewals and overdue through the Ledger API."""

from datetime import date

import pytest

from kiosk.ledger import Event, InvalidInput, Ledger, NotFound, Refused, SyncBatch, clock
from kiosk.ledger.ids import uuid7
from kiosk.ledger.events import PROBLEM_MAX_LENGTH
from tests.conftest import TODAY


def test_checkout_is_all_or_nothing(stocked_ledger):
    stocked_ledger.set_tool_status("T2", "in_repair")
    with pytest.raises(Refused) as refused:
        stocked_ledger.checkout("M1", ["T1", "T2"], today=TODAY)
    assert [r.subject for r in refused.value.refusals] == ["T2"]
    assert stocked_ledger.loans() == []
    assert stocked_ledger.tool("T1")["status"] == "available"

    [loan] = stocked_ledger.checkout("M1", ["T1"], today=TODAY)
    assert loan["due"] == "2026-11-26" and loan["member_name"] == "Ana Lopez"
    assert stocked_ledger.tool("T1")["status"] == "on_loan"


def test_a_tool_on_loan_is_refused_to_the_next_member(stocked_ledger):
    stocked_ledger.checkout("M1", ["T1"], today=TODAY)
    with pytest.raises(Refused) as refused:
        stocked_ledger.checkout("M2", ["T1"], today=TODAY)
    assert refused.value.refusals[0].reason == "on_loan"


def test_checkin_with_condition_sets_status_and_opens_a_ticket(stocked_ledger):
    stocked_ledger.checkout("M1", ["T1", "T2"], today=TODAY)
    result = stocked_ledger.checkin("T1", "missing-parts", missing_parts=["charger"], today=TODAY)
    assert result["known_loan"] and result["tool"]["status"] == "in_repair"
    [ticket] = stocked_ledger.repairs()
    assert (ticket["problem"], ticket["missing_parts"], ticket["origin"], ticket["returned_by"]) == (
        "Parts missing: charger", ["charger"], "return", "Ana Lopez")
    assert stocked_ledger.checkin("T2", "ok", today=TODAY)["tool"]["status"] == "available"
    assert stocked_ledger.loans() == []
    with pytest.raises(InvalidInput):
        stocked_ledger.checkin("T2", "broken")
    with pytest.raises(NotFound):
        stocked_ledger.checkin("NOPE")


def test_a_repair_problem_opens_a_ticket_in_the_same_write(stocked_ledger):
    stocked_ledger.checkout("M1", ["T1", "T2"], today=TODAY)
    events = len(stocked_ledger.events())
    with pytest.raises(InvalidInput):  # too long: nothing is written
        stocked_ledger.checkin("T1", "repair", problem="x" * (PROBLEM_MAX_LENGTH + 1), today=TODAY)
    with pytest.raises(InvalidInput):  # a tool in good order has no problem to note
        stocked_ledger.checkin("T1", "ok", problem="It does not work", today=TODAY)
    assert len(stocked_ledger.events()) == events and stocked_ledger.tool("T1")["status"] == "on_loan"
    tool = stocked_ledger.checkin("T1", "repair", problem="It does not work: sparks", today=TODAY)["tool"]
    assert tool["status"] == "in_repair" and tool["notes"] is None
    [ticket] = stocked_ledger.repairs(status="open")
    assert (ticket["tool_code"], ticket["problem"], ticket["opened_at"]) == ("T1", "It does not work: sparks",
                                                                             TODAY.isoformat())
    stocked_ledger.checkin("T2", "repair", today=TODAY)
    assert stocked_ledger.repair_for_tool("T2")["problem"] == "Returned needing repair"


def test_renew_moves_the_due_date_until_the_limit(stocked_ledger):
    stocked_ledger.checkout("M1", ["T3"], today=TODAY)
    assert stocked_ledger.renew("T3", today=TODAY)["due"] == "2026-11-25"
    assert stocked_ledger.renew("T3", today=TODAY)["renewals"] == 2
    with pytest.raises(Refused) as refused:
        stocked_ledger.renew("T3", today=TODAY)
    assert refused.value.refusals[0].reason == "renewal_limit"


def test_overdue_lists_oldest_first_with_contact(stocked_ledger):
    stocked_ledger.checkout("M1", ["T1"], today=date(2026, 11, 1))
    stocked_ledger.checkout("M2", ["T3"], today=date(2026, 10, 20))
    rows = stocked_ledger.overdue(as_of=TODAY)
    assert [r["tool_code"] for r in rows] == ["T3", "T1"]
    assert rows[0] == {"tool_code": "T3", "tool_name": "Step ladder", "member_code": "M2", "member_name": "Ben Okafor",
                       "contact": "m2@example.org", "due": "2026-10-23", "days_overdue": 27}
    assert stocked_ledger.overdue(as_of=date(2026, 10, 1)) == []


def test_member_refusals_reach_the_checkout(stocked_ledger):
    stocked_ledger.edit_member("M1", expires="2026-03-03")
    with pytest.raises(Refused) as refused:
        stocked_ledger.checkout("M1", ["T1"], today=TODAY)
    assert "Your membership ended on 3 March 2026" in str(refused.value)
    stocked_ledger.add_member("M3", "Chloe Martin", expires="2030-01-01")
    assert stocked_ledger.checkout_refusals("M3", ["T1"], TODAY)[0].reason == "waiver_missing"


def _over_limit(ledger, tools) -> bool:
    with pytest.raises(Refused) as refused:
        ledger.checkout("M1", tools, today=TODAY)
    return [r.reason for r in refused.value.refusals] == ["over_limit"]


def test_a_checkout_right_after_a_loan_limit_change_obeys_the_new_limit(stocked_ledger):
    stocked_ledger.checkout("M1", ["T1"], today=TODAY)
    stocked_ledger.configure(loan_limit=1)
    assert _over_limit(stocked_ledger, ["T2"])
    stocked_ledger.configure(loan_limit=3)
    assert len(stocked_ledger.checkout("M1", ["T2", "T3"], today=TODAY)) == 2


def test_a_loan_limit_changed_at_another_kiosk_holds_from_the_sync_that_brings_it(stocked_ledger, tmp_path):
    other = Ledger.create(tmp_path / "other", library="maple", name="Maple Street Tool Library")
    other.configure(loan_limit=1)
    stocked_ledger.checkout("M1", ["T1"], today=TODAY)
    stocked_ledger.apply_sync(SyncBatch(acks={}, events=other.events(), meta={}))
    assert stocked_ledger.settings["loan_limit"] == 1
    assert _over_limit(stocked_ledger, ["T2"])
    other.close()


def test_a_loan_limit_changed_by_another_program_on_the_same_file_holds_at_once(stocked_ledger):
    command_line = Ledger.open(stocked_ledger.path.parent)   # a coordinator's command while the kiosk runs
    stocked_ledger.checkout("M1", ["T1"], today=TODAY)
    command_line.configure(loan_limit=1)
    assert _over_limit(stocked_ledger, ["T2"])
    command_line.close()


def test_a_loan_limit_changed_earlier_in_the_same_batch_holds_for_its_checkouts(stocked_ledger):
    with stocked_ledger.batch():
        stocked_ledger.checkout("M1", ["T1"], today=TODAY)
        stocked_ledger.configure(loan_limit=1)
        assert _over_limit(stocked_ledger, ["T2"])
    assert [loan["tool_code"] for loan in stocked_ledger.loans()] == ["T1"]


def test_a_change_undone_within_a_batch_is_not_remembered(stocked_ledger):
    with stocked_ledger.batch():
        with pytest.raises(RuntimeError):
            with stocked_ledger.batch():
                stocked_ledger.configure(loan_limit=1)
                assert stocked_ledger.settings["loan_limit"] == 1
                raise RuntimeError("the import stops here")
        assert stocked_ledger.settings["loan_limit"] == 5
        assert len(stocked_ledger.checkout("M1", ["T1", "T2"], today=TODAY)) == 2


def test_a_checkout_beside_a_return_stamped_far_ahead_gives_what_a_rebuild_gives(stocked_ledger):
    # a kiosk whose clock ran two days ahead returned T1 without naming a loan: that stamp does not
    # move this kiosk's clock, so a loan opened here now comes before it, and that return closes it
    ahead = clock.pack(stocked_ledger.now_ms() + 2 * clock.DAY_MS, 0)
    stray = Event(uuid7(), "maple", "AHEADKIOSK01", 1, ahead, "loan.returned", 1, "tool:T1",
                  {"tool": "T1", "loan_id": None, "condition": "ok", "note": None, "missing_parts": [],
                   "at": TODAY.isoformat()})
    stocked_ledger.apply_sync(SyncBatch(acks={}, events=[stray], meta={}))
    [loan] = stocked_ledger.checkout("M1", ["T1"], today=TODAY)
    assert loan["closed_by"] == stray.id
    stocked_ledger.checkout("M2", ["T2"], today=TODAY)   # a tool nothing stamped ahead touches
    before = stocked_ledger.projection_snapshot()
    stocked_ledger.rebuild(one_by_one=True)
    assert stocked_ledger.projection_snapshot() == before
    stocked_ledger.rebuild()
    assert stocked_ledger.projection_snapshot() == before
