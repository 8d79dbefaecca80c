"""Importing a Lend Engine items export, saved as Windows-1252 by an old Excel."""

from __future__ import annotations

from kiosk.transfer import import_tools
from tests.transfer.conftest import DATA

ITEMS = DATA / "lendengine_items.csv"


def test_the_file_is_read_as_windows_1252(ledger):
    assert ITEMS.read_bytes().find("Crêpe".encode("cp1252")) > 0  # the sample really is cp1252

    report = import_tools(ledger, ITEMS)

    assert report.layout == "lendengine" and report.added == 12
    assert ledger.tool("KTC-012")["name"] == "Crêpe maker"


def test_items_keep_their_code_and_tags_become_category_and_keywords(ledger):
    import_tools(ledger, ITEMS)

    drill = ledger.tool("DRL-001")
    assert drill["category"] == "Power tools"
    assert drill["keywords"] == "masonry, drill, Drills"
    assert drill["replacement_value"] == 89.99                   # the value, not the price paid
    assert ledger.tool("SAW-002")["replacement_value"] == 40.0   # the price paid when no value is given
    assert drill["kit"] == ["Side handle", "depth gauge", "case"]
    assert drill["notes"] == "Blow out the dust after use"


def test_descriptions_join_short_and_long_and_keep_their_line_breaks(ledger):
    import_tools(ledger, ITEMS)

    assert ledger.tool("DRL-001")["description"] == (
        "Hammer drill with case\n\nGreat for masonry.\nUse the side handle.\n\nWear eye protection.")
    assert ledger.tool("CRF-004")["description"] == "Heavy duty\nwith foot pedal"
    assert ledger.tool("CRF-004")["kit"] == ["Foot pedal", "Spare bobbins", "Needles"]


def test_locations_that_are_states_become_statuses(ledger):
    report = import_tools(ledger, ITEMS)

    strimmer, jigsaw, cleaner = (ledger.tool(c) for c in ("GRD-010", "SAW-002", "CLN-005"))
    assert (strimmer["status"], strimmer["shelf"]) == ("in_repair", None)
    assert (jigsaw["status"], jigsaw["shelf"]) == ("available", None)
    assert (cleaner["status"], cleaner["shelf"]) == ("available", "Store room")
    assert "2 tools on loan in Lend Engine; available here, and those loans were not imported." in report.notes


def test_columns_with_no_field_here_are_reported(ledger):
    report = import_tools(ledger, ITEMS)

    assert report.unknown_columns == ["Added on", "Type", "Shown on website", "Loan fee", "Owned by", "Donated by"]
