"""Files that are not CSV exports at all: one clear error, and nothing written."""

from __future__ import annotations

import pytest

from kiosk.ledger import InvalidInput
from kiosk.transfer import UnknownLayout, UnreadableFile, import_members, import_tools
from tests.transfer.conftest import DATA


@pytest.mark.parametrize("content, words", [
    (bytes(range(256)) * 8, "not a text file"),
    (b"\x89PNG\r\n\x1a\n" + bytes(200), "not a text file"),
    (b"PK\x03\x04\x14\x00\x06\x00" + bytes(100), "spreadsheet workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "spreadsheet workbook"),
    (b"", "is empty"),
    (b"\r\n\r\n  \r\n", "is empty"),
    (b"code,name\x1b[31m\nT1,Drill\n", "control characters"),
    (b"code,name\n\x81\x8d\x8f\x90\x9d\n", "not text in UTF-8 or Windows-1252"),
])
def test_garbage_gives_one_clear_error(ledger, write_csv, content, words):
    with pytest.raises(UnreadableFile, match=words) as caught:
        import_tools(ledger, write_csv(content))

    assert isinstance(caught.value, InvalidInput)  # the command prints it like any other refusal
    assert len(ledger.events()) == 1


def test_a_quote_that_never_closes_names_its_line(ledger, write_csv):
    path = write_csv('code,name,description\nT1,Drill,fine\nT2,Saw,"sharp\nT3,Ladder,tall\n')

    with pytest.raises(UnreadableFile, match="line 3: a quoted value is never closed"):
        import_tools(ledger, path)
    assert ledger.list_tools() == []


def test_a_stray_quote_names_its_line(ledger, write_csv):
    path = write_csv('code,name,description\nT1,Drill,fine\nT2,Saw,"12" blade"\n')

    with pytest.raises(UnreadableFile, match="line 3: a closing quote is followed by more text"):
        import_tools(ledger, path)


def test_a_missing_file_is_unreadable(ledger, tmp_path):
    with pytest.raises(UnreadableFile, match="no such file"):
        import_tools(ledger, tmp_path / "nowhere.csv")


def test_a_header_naming_a_column_twice_is_refused(ledger, write_csv):
    with pytest.raises(UnreadableFile, match="names the column 'Name' twice"):
        import_tools(ledger, write_csv("code,name,Name\nT1,Drill,Drill\n"))


def test_a_header_that_fits_no_layout_lists_the_layouts(ledger, write_csv):
    with pytest.raises(UnknownLayout, match="fits none of the layouts") as caught:
        import_tools(ledger, write_csv("Once upon a time\nthere was a drill\n"))

    assert "myTurn items" in str(caught.value) and "Once upon a time" in str(caught.value)


def test_asking_for_the_wrong_layout_suggests_the_right_one(ledger):
    with pytest.raises(UnknownLayout) as caught:
        import_tools(ledger, DATA / "lendengine_items.csv", layout="myturn")

    assert str(caught.value) == ("this is not a myTurn items export: it has no column 'Item ID'; "
                                 "its header looks like Lend Engine items, so try --from lendengine")


def test_a_members_file_is_no_tools_file(ledger):
    with pytest.raises(UnknownLayout):
        import_tools(ledger, DATA / "circulate_members.csv")
    with pytest.raises(UnknownLayout, match="looks like a Circulate items export, not members: import it as tools"):
        import_members(ledger, DATA / "circulate_items.csv")


def test_rows_out_of_line_with_the_header_are_bad_rows(ledger, write_csv):
    path = write_csv("code,name,brand\nT1,Drill,Bosch\nT2,Saw\nT3,Ladder,Werner,extra\nT4,Rake,Ames,,\n")

    report = import_tools(ledger, path)

    assert [(row.line, row.message) for row in report.bad_rows] == [
        (3, "2 values where the header has 3 columns (a quote or a line break out of place?)"),
        (4, "4 values where the header has 3 columns (a quote or a line break out of place?)"),
    ]
    assert not report.written and ledger.list_tools() == []
