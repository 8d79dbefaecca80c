"""Export, then import into another library: the same tools and members come back."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from kiosk.ledger import Ledger
from kiosk.transfer import export_members, export_tools, import_members, import_tools
from tests.transfer.conftest import DATA

TOOL_FILES = ("myturn_items.csv", "lendengine_items.csv", "circulate_items.csv", "generic_tools_semicolon.csv")
MEMBER_FILES = ("myturn_members.csv", "lendengine_contacts.csv")


def _exported(ledger: Ledger, export, path: Path) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as out:
        export(ledger, out)
    return path


def test_exported_tools_import_back_equal(ledger, tmp_path):
    for name in TOOL_FILES:
        import_tools(ledger, DATA / name)
    exported = _exported(ledger, export_tools, tmp_path / "tools.csv")
    other = Ledger.create(tmp_path / "other", library="maple", name="Maple")

    report = import_tools(other, exported)

    assert report.layout == "generic" and report.unknown_columns == [] and report.bad_rows == []
    assert report.added == len(ledger.list_tools()) == 42
    assert other.list_tools() == ledger.list_tools()
    assert _exported(other, export_tools, tmp_path / "again.csv").read_text() == exported.read_text()


def test_exported_members_import_back_equal(ledger, tmp_path):
    for name in MEMBER_FILES:
        import_members(ledger, DATA / name)
    ledger.edit_member("M1001", loan_limit=2, status="suspended")
    exported = _exported(ledger, export_members, tmp_path / "members.csv")
    other = Ledger.create(tmp_path / "other", library="maple", name="Maple")

    report = import_members(other, exported)

    assert report.added == 15 and report.bad_rows == []
    assert other.list_members() == ledger.list_members()


def test_the_export_is_a_plain_csv_with_our_columns(ledger):
    import_tools(ledger, DATA / "lendengine_items.csv")
    out = io.StringIO()

    count = export_tools(ledger, out)

    lines = out.getvalue().splitlines()
    assert count == 12
    assert lines[0] == ("code,name,category,maker_code,brand,model,serial,description,condition,status,shelf,"
                        "replacement_value,loan_days,kit,keywords,notes")
    assert 'CRF-004,Sewing machine,Crafts,,Singer,,SM-4420,"Heavy duty' in out.getvalue()
    assert ',150.00,7,"Foot pedal\nSpare bobbins\nNeedles",' in out.getvalue()


def test_a_tool_on_loan_is_exported_as_on_loan_and_comes_back_available(ledger, tmp_path):
    import_tools(ledger, DATA / "generic_tools_semicolon.csv")
    ledger.add_member("M1", "Ana Lopez", expires="2030-01-01")
    ledger.accept_waiver("M1")
    ledger.checkout("M1", ["MAPLE-T1"])
    exported = _exported(ledger, export_tools, tmp_path / "tools.csv")
    other = Ledger.create(tmp_path / "other", library="maple", name="Maple")

    report = import_tools(other, exported)

    assert ",on_loan," in exported.read_text()
    assert other.tool("MAPLE-T1")["status"] == "available"
    assert "1 tool on loan when exported; available here, and those loans were not imported." in report.notes


# -- any tools the ledger can hold ------------------------------------------------------------

# Text as a person types it at the kiosk: any printable character, line breaks in long fields.
line_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)
long_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.just("\n"), max_size=40)
optional = lambda strategy: st.none() | strategy  # noqa: E731

tool_fields = st.fixed_dictionaries({}, optional={
    "category": optional(line_text), "maker_code": optional(line_text), "brand": optional(line_text),
    "model": optional(line_text), "serial": optional(line_text), "description": optional(long_text),
    "condition": optional(line_text), "status": st.sampled_from(["available", "in_repair", "missing", "retired"]),
    "shelf": optional(line_text), "keywords": optional(line_text), "notes": optional(long_text),
    "replacement_value": optional(st.floats(min_value=0, max_value=1e6, allow_nan=False)
                                  | st.integers(0, 10_000).map(lambda cents: cents / 100)),
    "loan_days": optional(st.integers(1, 365)),
    "kit": st.lists(line_text.map(str.strip).filter(bool), max_size=4),
})
tools = st.dictionaries(
    keys=line_text.map(str.strip).filter(bool),
    values=st.tuples(line_text.filter(str.strip), tool_fields),
    min_size=1, max_size=6,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tools=tools)
def test_any_tools_round_trip_through_export_and_import(tools):
    with tempfile.TemporaryDirectory() as folder:
        source = Ledger.create(Path(folder) / "a", library="maple", name="Maple")
        target = Ledger.create(Path(folder) / "b", library="maple", name="Maple")
        for code, (name, fields) in tools.items():
            source.add_tool(code, name, **fields)
        exported = _exported(source, export_tools, Path(folder) / "tools.csv")

        report = import_tools(target, exported)
        again = import_tools(target, exported)

        assert report.bad_rows == [] and report.layout == "generic"
        assert target.list_tools() == source.list_tools()
        assert again.unchanged == len(tools)
        source.close()
        target.close()
