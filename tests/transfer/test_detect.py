"""Which layout a file is in, from its header row, and saying so."""

from __future__ import annotations

import pytest

from kiosk.transfer import FORMATS, import_members, import_tools
from kiosk.transfer.layouts import MEMBER_LAYOUTS, TOOL_LAYOUTS
from tests.transfer.conftest import DATA


def test_every_format_reads_tools_and_members():
    assert set(FORMATS) == set(TOOL_LAYOUTS) == set(MEMBER_LAYOUTS)


@pytest.mark.parametrize("name, layout", [
    ("myturn_items.csv", "myturn"), ("lendengine_items.csv", "lendengine"), ("circulate_items.csv", "circulate"),
    ("generic_tools_semicolon.csv", "generic"),
])
def test_tool_exports_are_told_apart(ledger, name, layout):
    assert import_tools(ledger, DATA / name, dry_run=True).layout == layout


@pytest.mark.parametrize("name, layout", [
    ("myturn_members.csv", "myturn"), ("lendengine_contacts.csv", "lendengine"), ("circulate_members.csv", "circulate"),
])
def test_member_exports_are_told_apart(ledger, name, layout):
    assert import_members(ledger, DATA / name, dry_run=True).layout == layout


def test_a_bare_code_and_name_file_is_our_own(ledger, write_csv):
    report = import_tools(ledger, write_csv("Code,Name\nT1,Drill\n"))

    assert report.layout == "generic" and ledger.tool("T1")["name"] == "Drill"


def test_a_layout_asked_for_is_not_said_to_be_detected(ledger):
    report = import_tools(ledger, DATA / "myturn_items.csv", layout="myturn", dry_run=True)

    assert report.summary_lines()[0] == "Read as a myTurn items export."


def test_semicolons_and_decimal_commas_from_european_excel(ledger):
    import_tools(ledger, DATA / "generic_tools_semicolon.csv")

    drill = ledger.tool("MAPLE-T1")
    assert drill["replacement_value"] == 129.0 and drill["kit"] == ["Akku", "Ladegerät"]
    assert drill["description"] == "Leicht; mit Koffer"
    assert ledger.tool("MAPLE-T2")["status"] == "in_repair"


def test_columns_are_matched_ignoring_case_and_spacing(ledger, write_csv):
    report = import_tools(ledger, write_csv(" item id ,NAME,serial  number\r\n7,Drill,S-1\r\n"), layout="myturn")

    assert report.unknown_columns == [] and ledger.tool("7")["serial"] == "S-1"
