"""The values other systems write, read the way a volunteer would read them."""

from __future__ import annotations

import pytest

from kiosk.transfer.values import RowProblem, category_paths, iso_date, kit_parts, loan_days, money, tool_status


@pytest.mark.parametrize("text, amount", [
    ("120", 120.0), ("$129.00", 129.0), ("$1,250.00", 1250.0), ("£45", 45.0), ("45,00", 45.0),
    ("1.234,50", 1234.5), ("EUR 12", 12.0), ("12 €", 12.0), ("US$ 99.99", 99.99),
])
def test_amounts(text, amount):
    assert money(text) == amount


@pytest.mark.parametrize("text", ["about fifty", "12abc", "12,3x", "-5", "nan", "inf", "$"])
def test_what_is_no_amount(text):
    with pytest.raises(RowProblem, match="is not an amount of money"):
        money(text)


@pytest.mark.parametrize("text, days", [
    ("14", 14), ("7 days", 7), ("1 day", 1), ("1 week", 7), ("2 weeks", 14), ("2 wks", 14), ("10d", 10), ("7.0", 7),
])
def test_loan_lengths(text, days):
    assert loan_days(text) == days


@pytest.mark.parametrize("text", ["1 month", "a week", "-3", "soon"])
def test_what_is_no_loan_length(text):
    with pytest.raises(RowProblem, match="is not a loan length"):
        loan_days(text)


@pytest.mark.parametrize("text, month_first, day_first", [
    ("2027-03-31", "2027-03-31", "2027-03-31"),
    ("03/04/2027", "2027-03-04", "2027-04-03"),       # ambiguous: the system's habit decides
    ("31/03/2027", "2027-03-31", "2027-03-31"),       # unambiguous either way
    ("3/31/27", "2027-03-31", "2027-03-31"),
    ("31.03.2027", "2027-03-31", "2027-03-31"),
    ("Mar 31, 2027", "2027-03-31", "2027-03-31"),
    ("31 March 2027", "2027-03-31", "2027-03-31"),
    ("2027-03-31 00:00:00", "2027-03-31", "2027-03-31"),
    ("12/31/2026 11:59 PM", "2026-12-31", "2026-12-31"),
])
def test_dates(text, month_first, day_first):
    assert iso_date(text, day_first=False) == month_first
    assert iso_date(text, day_first=True) == day_first


@pytest.mark.parametrize("text", ["next spring", "31/31/2027", "2027-02-30"])
def test_what_is_no_date(text):
    with pytest.raises(RowProblem, match="is not a date"):
        iso_date(text, day_first=False)


def test_category_paths_keep_order_and_drop_repeats():
    assert category_paths("Power Tools//Drills; Garden//Hand tools//Rakes; Power Tools//Drills",
                          between=";", within="//") == ["Power Tools > Drills", "Garden > Hand tools > Rakes"]
    assert category_paths(" Garden ,, Power tools", between=",") == ["Garden", "Power tools"]


@pytest.mark.parametrize("text, status, on_loan", [
    ("Available", "available", False), ("Checked Out", "available", True), ("On loan", "available", True),
    ("In Maintenance", "in_repair", False), ("in_repair", "in_repair", False), ("Lost", "missing", False),
    ("Retired", "retired", False), ("Checked Out, Damaged", "in_repair", True), ("Overdue; Lost", "missing", True),
])
def test_statuses(text, status, on_loan):
    assert tool_status(text) == (status, on_loan)


def test_an_unknown_status_names_ours():
    with pytest.raises(RowProblem, match="'Sent away' is not a status this import knows; use one of available"):
        tool_status("Sent away")


def test_kit_parts_by_line_or_by_comma():
    assert kit_parts("Foot pedal\nSpare bobbins") == ["Foot pedal", "Spare bobbins"]
    assert kit_parts("2 batteries<br>charger<br/>") == ["2 batteries", "charger"]
    assert kit_parts("battery, charger; case") == ["battery", "charger", "case"]
