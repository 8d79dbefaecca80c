"""Importing a myTurn items export (UTF-8 with BOM, CRLF, multi-line descriptions, trailing blank lines)."""

from __future__ import annotations

from kiosk.transfer import BadRow, import_tools
from tests.transfer.conftest import DATA

ITEMS = DATA / "myturn_items.csv"
BAD = DATA / "myturn_items_bad.csv"


def test_every_item_arrives_under_its_myturn_item_id(ledger):
    report = import_tools(ledger, ITEMS)

    assert report.written and report.added == 15 and report.bad_rows == []
    assert {t["code"] for t in ledger.list_tools()} == {str(n) for n in range(1001, 1016)}
    assert ledger.find_tool("1001")["name"] == "Cordless Drill 18V"


def test_the_layout_is_detected_and_said(ledger):
    report = import_tools(ledger, ITEMS)

    assert report.layout == "myturn"
    assert report.summary_lines()[0] == "Read as a myTurn items export (detected from the header row)."


def test_fields_are_mapped_and_parsed(ledger):
    import_tools(ledger, ITEMS)

    drill = ledger.tool("1001")
    assert drill["category"] == "Power Tools > Drills"
    assert drill["keywords"] == "drill, driver, Cordless"      # the second category joins the keywords
    assert (drill["brand"], drill["model"], drill["serial"]) == ("DeWalt", "DCD771C2", "SN-44812")
    assert drill["maker_code"] == "885911254365"
    assert drill["replacement_value"] == 129.0 and drill["loan_days"] == 7
    assert drill["shelf"] == "Shelf A1" and drill["condition"] == "Good"
    assert drill["description"] == "Compact drill/driver with two batteries.\nCharger is in the blue bag."
    assert ledger.tool("1003")["replacement_value"] == 1250.0
    assert ledger.tool("1002")["description"] == '7-1/4" blade, electric brake'
    assert ledger.tool("1008")["shelf"] == "Drawer 4, top"
    assert [ledger.tool(c)["loan_days"] for c in ("1002", "1005", "1008")] == [7, 14, 14]


def test_statuses_are_mapped_and_loans_are_said_not_imported(ledger):
    report = import_tools(ledger, ITEMS)

    status = {t["code"]: t["status"] for t in ledger.list_tools()}
    assert status["1004"] == "in_repair" and status["1006"] == "missing" and status["1007"] == "retired"
    assert status["1002"] == status["1009"] == "available"      # checked out there
    assert "2 tools on loan in myTurn; available here, and those loans were not imported." in report.notes


def test_columns_without_a_field_here_are_reported(ledger):
    report = import_tools(ledger, ITEMS)

    assert report.unknown_columns == ["Date Purchased", "Quantity"]
    assert "Columns not imported (no matching field here): Date Purchased, Quantity." in report.summary_lines()


def test_importing_the_same_file_twice_adds_nothing(ledger):
    import_tools(ledger, ITEMS)
    events = len(ledger.events())

    again = import_tools(ledger, ITEMS)

    assert (again.added, again.updated, again.unchanged) == (0, 0, 15)
    assert len(ledger.events()) == events


def test_bad_rows_are_reported_by_line_and_nothing_is_written(ledger):
    report = import_tools(ledger, BAD)

    assert not report.written
    assert ledger.list_tools() == []
    assert [row.line for row in report.bad_rows] == [3, 6, 7, 8, 9]
    messages = dict((row.line, row.message) for row in report.bad_rows)
    assert messages[3] == "Replacement Cost: 'about fifty' is not an amount of money"
    assert messages[6] == "no name ('Name' is blank)"
    assert messages[7] == "the code 2001 is already on line 2"
    assert "'Sent to partner' is not a status" in messages[8]
    assert "'1 month' is not a loan length" in messages[9]
    assert any("--skip-bad" in line for line in report.summary_lines())


def test_skip_bad_writes_the_good_rows(ledger):
    report = import_tools(ledger, BAD, skip_bad=True)

    assert report.written and report.added == 3 and len(report.bad_rows) == 5
    assert sorted(t["code"] for t in ledger.list_tools()) == ["2001", "2003", "2007"]
    assert ledger.tool("2001")["name"] == "Belt Sander"           # the first of the two rows with code 2001
    assert ledger.tool("2003")["description"] == "Fixed base only.\nBits are in the drawer."
    assert "Skipped 5 bad rows:" in report.summary_lines()


def test_a_dry_run_writes_nothing_and_says_what_it_would_do(ledger):
    report = import_tools(ledger, ITEMS, dry_run=True)

    assert not report.written and report.added == 15
    assert ledger.list_tools() == [] and len(ledger.events()) == 1  # the library's own set-up
    assert "Dry run, nothing written: would add 15 tools, update 0, leave 0 unchanged." in report.summary_lines()


def test_a_dry_run_with_bad_rows_lists_them(ledger):
    report = import_tools(ledger, BAD, dry_run=True)

    assert BadRow(3, "Replacement Cost: 'about fifty' is not an amount of money") in report.bad_rows
    assert "Nothing would be written: 5 bad rows." in report.summary_lines()[2]


def test_a_dry_run_skipping_bad_rows_says_what_it_would_write(ledger):
    report = import_tools(ledger, BAD, dry_run=True, skip_bad=True)

    assert ledger.list_tools() == []
    assert report.summary_lines()[1:3] == ["Dry run, nothing written: would add 3 tools, update 0, leave 0 unchanged.",
                                           "Would skip 5 bad rows:"]
