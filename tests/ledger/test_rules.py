from datetime import date

from kiosk.ledger import rules

SETTINGS = {**rules.DEFAULT_SETTINGS, "open_weekdays": ["tue", "thu", "sat"],
            "category_loan_days": {"Power tools": 5, "Garden > Digging": 10}}
MEMBER = {"status": "active", "expires": "2030-01-01", "waiver_version": "1", "loan_limit": None}


def test_loan_period_comes_from_tool_then_category_then_parent_then_default():
    assert rules.loan_days({"loan_days": 2, "category": "Power tools > Drills"}, SETTINGS) == 2
    assert rules.loan_days({"category": "Garden > Digging"}, SETTINGS) == 10
    assert rules.loan_days({"category": "Power tools > Drills"}, SETTINGS) == 5
    assert rules.loan_days({"category": "Ladders"}, SETTINGS) == 7


def test_due_date_on_a_closed_day_moves_to_the_next_open_day():
    friday = date(2026, 11, 20)
    assert rules.due_date(friday, 0, SETTINGS) == date(2026, 11, 21)      # Saturday: open
    assert rules.due_date(friday, 2, SETTINGS) == date(2026, 11, 24)      # Sunday -> Tuesday
    closed = {**SETTINGS, "closed_dates": ["2026-11-24"]}
    assert rules.due_date(friday, 2, closed) == date(2026, 11, 26)        # holiday Tuesday -> Thursday


def test_refusals_say_why_and_what_to_do():
    expired = {**MEMBER, "expires": "2026-03-03"}
    [refusal] = rules.checkout_refusals(expired, "M1", [("T1", {"status": "available"})], 0, SETTINGS, date(2026, 11, 19))
    assert refusal.reason == "membership_expired"
    assert refusal.message == "Your membership ended on 3 March 2026. A volunteer can renew it."

    reasons = {r.reason for r in rules.checkout_refusals(
        {**MEMBER, "status": "suspended", "waiver_version": None}, "M1",
        [("T1", {"status": "on_loan", "name": "Drill"}), ("T2", {"status": "in_repair"}), ("T3", {"status": "missing"}),
         ("T4", {"status": "retired"}), ("T5", None)], 0, SETTINGS, date(2026, 11, 19))}
    assert reasons == {"suspended", "waiver_missing", "on_loan", "in_repair", "missing", "retired", "unknown_tool"}


def test_loan_limit_counts_what_is_out_and_what_is_taken():
    tools = [(f"T{i}", {"status": "available"}) for i in range(2)]
    assert rules.checkout_refusals(MEMBER, "M1", tools, 3, SETTINGS, date(2026, 11, 19)) == []
    [over] = rules.checkout_refusals(MEMBER, "M1", tools, 4, SETTINGS, date(2026, 11, 19))
    assert over.reason == "over_limit" and over.params == {"limit": 5, "out": 4, "taking": 2}
    assert rules.checkout_refusals({**MEMBER, "loan_limit": 1}, "M1", tools, 0, SETTINGS, date(2026, 11, 19))[0].reason == "over_limit"


def test_unknown_member_is_one_refusal():
    [refusal] = rules.checkout_refusals(None, "M9", [("T1", {"status": "available"})], 0, SETTINGS, date(2026, 11, 19))
    assert refusal.reason == "unknown_member" and "M9" in refusal.message


def test_renewal_limits_and_grace():
    loan = {"tool_code": "T1", "renewals": 0, "due": "2026-11-17"}
    assert rules.renewal_refusal(loan, SETTINGS, date(2026, 11, 19)) is None            # 2 days late, grace 3
    late = rules.renewal_refusal(loan, SETTINGS, date(2026, 11, 21))
    assert (late.reason, late.params) == ("too_overdue", {"due": "2026-11-17", "grace_days": 3})
    limit = rules.renewal_refusal({**loan, "renewals": 2}, SETTINGS, date(2026, 11, 17))
    assert (limit.reason, limit.params) == ("renewal_limit", {"max_renewals": 2})
    assert rules.renewed_due(loan, {"loan_days": 7}, SETTINGS, date(2026, 11, 19)) == date(2026, 11, 26)


def test_overdue_days_and_retention():
    assert rules.days_overdue("2026-11-10", date(2026, 11, 19)) == 9
    assert rules.days_overdue("2026-11-30", date(2026, 11, 19)) == 0
    assert rules.forget_before(date(2026, 11, 19), SETTINGS) == date(2026, 8, 21)
    assert rules.opening_hours_today(date(2026, 11, 19), SETTINGS) == "17:00-20:00"
    assert rules.opening_hours_today(date(2026, 11, 20), SETTINGS) is None


def test_borrowing_refusals_say_why_a_member_can_take_nothing_today():
    today = date(2026, 6, 1)
    member = {"status": "active", "expires": "2027-01-01", "waiver_version": "1"}
    assert rules.borrowing_refusals(member, "C-1", 4, rules.DEFAULT_SETTINGS, today) == []
    full = rules.borrowing_refusals(member, "C-1", 5, rules.DEFAULT_SETTINGS, today)
    assert [(r.reason, r.params["limit"], r.params["out"]) for r in full] == [("over_limit", 5, 5)]
    own_limit = rules.borrowing_refusals({**member, "loan_limit": 8}, "C-1", 5, rules.DEFAULT_SETTINGS, today)
    assert own_limit == []
    lapsed = {"status": "suspended", "expires": "2026-05-31", "waiver_version": "0"}
    assert [r.reason for r in rules.borrowing_refusals(lapsed, "C-1", 0, rules.DEFAULT_SETTINGS, today)] == [
        "suspended", "membership_expired", "waiver_missing"]
