"""Privacy: borrowers forgotten after the retention period, in the log too."""

from datetime import date

from tests.conftest import TODAY


def test_privacy_forgets_borrowers_of_old_returned_loans_in_the_log_too(stocked_ledger):
    stocked_ledger.checkout("M1", ["T1"], today=date(2026, 6, 1))
    stocked_ledger.checkin("T1", today=date(2026, 6, 5))
    stocked_ledger.checkout("M2", ["T2"], today=date(2026, 11, 1))
    assert stocked_ledger.forget_old_borrowers(today=TODAY) == 1
    history = stocked_ledger.loans(open_only=False)
    assert sorted((l["tool_code"], l["member_code"]) for l in history) == [("T1", None), ("T2", "M2")]
    assert not any(e.payload.get("member") == "M1" for e in stocked_ledger.events() if e.type == "loan.opened")
    stocked_ledger.rebuild()
    assert sorted((l["tool_code"], l["member_code"]) for l in stocked_ledger.loans(open_only=False)) == [("T1", None), ("T2", "M2")]
    assert stocked_ledger.stats()["loans_total"] == 2
