"""What spreadsheets and old systems write, read into rows with their line numbers."""

from __future__ import annotations

import codecs

from kiosk.transfer.reader import read_table


def test_excel_unicode_text_is_utf16_with_tabs(write_csv):
    text = "code\tname\tbrand\r\nT1\tBohrmaschine\tBosch\r\nT2\tSäge\t\r\n"

    table = read_table(write_csv(codecs.BOM_UTF16_LE + text.encode("utf-16-le")))

    assert table.columns == ["code", "name", "brand"]
    assert [row.values for row in table.rows] == [{"code": "T1", "name": "Bohrmaschine", "brand": "Bosch"},
                                                  {"code": "T2", "name": "Säge", "brand": ""}]


def test_line_numbers_count_lines_in_quoted_values_and_blank_lines(write_csv):
    table = read_table(write_csv('code,name,description\r\nT1,Drill,"one\r\ntwo\r\nthree"\r\n\r\nT2,Saw,\r\n'))

    assert [row.line for row in table.rows] == [2, 6]
    assert table.rows[0].values["description"] == "one\ntwo\nthree"


def test_old_mac_line_ends(write_csv):
    table = read_table(write_csv("code,name\rT1,Drill\rT2,Saw\r"))

    assert [(row.line, row.values["code"]) for row in table.rows] == [(2, "T1"), (3, "T2")]


def test_empty_trailing_columns_of_a_spreadsheet_are_dropped(write_csv):
    table = read_table(write_csv("code,name,,\nT1,Drill,,\nT2,Saw,,\n"))

    assert table.columns == ["code", "name"] and table.bad_rows == []


def test_an_unnamed_column_holding_values_is_kept_to_be_reported(write_csv):
    table = read_table(write_csv("code,name,\nT1,Drill,left handed\n"))

    assert table.columns == ["code", "name", "(unnamed column 3)"]
