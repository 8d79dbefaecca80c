"""Importing a file again after it changed: only what differs is edited, nothing else is touched."""

from __future__ import annotations

from kiosk.transfer import import_tools
from tests.transfer.conftest import DATA

ITEMS = DATA / "myturn_items.csv"


def _edited_copy(write_csv, old: str, new: str):
    text = ITEMS.read_bytes().decode("utf-8-sig")
    assert old in text
    return write_csv(text.replace(old, new))


def test_a_changed_row_is_an_edit_of_only_the_changed_fields(ledger, write_csv):
    import_tools(ledger, ITEMS)
    changed = _edited_copy(write_csv, "1013,Bolt Cutters 24in,Hand Tools > Cutting,Good,TEKTON,,,$34.95",
                           "1013,Bolt Cutters 24 inch,Hand Tools > Cutting,Good,TEKTON,,,$39.95")

    report = import_tools(ledger, changed)

    assert (report.added, report.updated, report.unchanged) == (0, 1, 14)
    assert ledger.events()[-1].payload == {"code": "1013", "fields": {"name": "Bolt Cutters 24 inch",
                                                                      "replacement_value": 39.95}}
    assert "Added 0 tools, updated 1, 14 unchanged." in report.summary_lines()


def test_a_value_blanked_in_the_file_is_cleared(ledger, write_csv):
    import_tools(ledger, ITEMS)
    blanked = _edited_copy(write_csv, "Shelf G3", "")

    report = import_tools(ledger, blanked)

    assert report.updated == 1 and ledger.tool("1005")["shelf"] is None


def test_columns_the_file_lacks_leave_the_fields_alone(ledger, write_csv):
    import_tools(ledger, ITEMS)

    report = import_tools(ledger, write_csv("Item ID,Name\r\n1001,Cordless Drill 18V\r\n"))

    assert (report.added, report.updated, report.unchanged) == (0, 0, 1)
    assert ledger.tool("1001")["brand"] == "DeWalt"


def test_a_tool_out_on_loan_here_is_unchanged_by_a_file_saying_available(ledger):
    import_tools(ledger, ITEMS)
    ledger.add_member("M1", "Ana Lopez", expires="2030-01-01")
    ledger.accept_waiver("M1")
    ledger.checkout("M1", ["1001"])

    report = import_tools(ledger, ITEMS)

    assert report.updated == 0 and ledger.tool("1001")["status"] == "on_loan"


def test_a_thousand_rows_import_and_reimport(ledger, write_csv):
    header = "Item ID,Name,Categories,Manufacturer,Replacement Cost,Default Loan Length,Status(es)\n"
    rows = "".join(f'{n},Tool {n},"Power Tools > Drills, Cordless",Makita,'
                   f'"${n // 1000},{n % 1000:03d}.50",7 days,Available\n' for n in range(1000, 2000))
    path = write_csv(header + rows)

    first = import_tools(ledger, path)
    second = import_tools(ledger, path)

    assert first.added == 1000 and first.bad_rows == []
    assert (second.added, second.updated, second.unchanged) == (0, 0, 1000)
    assert ledger.tool("1999")["replacement_value"] == 1999.5
