"""Importing a Circulate items export: '//' category paths, markdown descriptions, blank lines at the end."""

from __future__ import annotations

from kiosk.transfer import import_tools
from tests.transfer.conftest import DATA

ITEMS = DATA / "circulate_items.csv"


def test_items_keep_their_complete_number_as_label_code(ledger):
    report = import_tools(ledger, ITEMS)

    assert report.layout == "circulate" and report.added == 12 and report.bad_rows == []
    assert ledger.find_tool("A-1001")["name"] == "Cordless Drill"
    assert ledger.find_tool("1001") is None   # the bare number is not a label here


def test_category_paths_are_mapped_and_the_rest_join_the_keywords(ledger):
    import_tools(ledger, ITEMS)

    drill = ledger.tool("A-1001")
    assert drill["category"] == "Power Tools > Drills"
    assert drill["keywords"] == "drill driver, screwdriver, Power Tools > Cordless"
    assert ledger.tool("A-1003")["category"] == "Gardening > Hand Tools > Rakes"
    assert "Gardening > Hand Tools > Rakes" in ledger.categories()


def test_fields_are_mapped(ledger):
    import_tools(ledger, ITEMS)

    drill = ledger.tool("A-1001")
    assert drill["description"] == "Drills holes and drives screws.\n\n* 2 batteries\n* charger"
    assert drill["shelf"] == "Main / Shelf 3"
    assert drill["replacement_value"] == 99.0
    assert drill["notes"] == "Check both batteries are in the case"
    assert ledger.tool("C-1004")["replacement_value"] == 1099.0
    assert ledger.tool("A-1010")["shelf"] == "Back"


def test_statuses_are_mapped_and_pending_items_wait_in_repair(ledger):
    report = import_tools(ledger, ITEMS)

    status = {t["code"]: t["status"] for t in ledger.list_tools()}
    assert (status["A-1001"], status["B-1002"], status["A-1005"], status["B-1011"]) == (
        "available", "in_repair", "retired", "missing")
    assert status["A-1006"] == "in_repair"
    assert "1 tool pending in Circulate (not lendable yet); imported as in repair." in report.notes


def test_record_keys_and_urls_are_reported_as_not_imported(ledger):
    report = import_tools(ledger, ITEMS)

    assert {"id", "code", "number", "item_url", "created_at"} <= set(report.unknown_columns)
    assert "brand" not in report.unknown_columns
