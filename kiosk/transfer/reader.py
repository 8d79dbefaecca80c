"""Reading a CSV file into a header and rows, each row with its physical line number.

Accepts what spreadsheets and old systems write: UTF-8 with or without a BOM,
UTF-16 with a BOM (Excel's "Unicode text"), Windows-1252 (old Excel), commas,
semicolons or tabs, CRLF or LF, quoted values spanning several lines. Anything
that is not a CSV text file raises UnreadableFile with one sentence saying why.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.transfer.errors import UnreadableFile
from kiosk.transfer.report import BadRow

MAX_BYTES = 64 * 1024 * 1024  # far beyond any library's catalog; keeps a wrong file off a Pi's memory
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DELIMITERS = ",;\t"


def column_key(name: str) -> str:
    """How columns are matched: 'Serial  Number ' and 'serial number' are the same column."""
    return " ".join(name.lower().split())


@dataclass(frozen=True)
class Row:
    line: int                # where the row starts in the file; the header is line 1
    values: dict[str, str]   # column key -> the cell's text, trimmed


@dataclass(frozen=True)
class Table:
    columns: list[str]       # the header's names, as the file spells them
    rows: list[Row]
    bad_rows: list[BadRow]   # rows that do not line up with the header
    notes: list[str] = field(default_factory=list)   # lines whose encoding was guessed, for the report


def read_table(path: Path) -> Table:
    text, guessed = _decode(_read_bytes(path), path)
    records = _records(text, path)
    if not records:
        raise UnreadableFile(f"{path} is empty")
    (_, header), body = records[0], records[1:]
    names = [name.strip() for name in header]
    keep = [i for i, name in enumerate(names) if name or any(i < len(cells) and cells[i].strip() for _, cells in body)]
    columns = [names[i] or f"(unnamed column {i + 1})" for i in keep]
    _refuse_repeated(columns, path)
    keys = [column_key(c) for c in columns]
    rows, bad_rows = [], []
    for line, cells in body:
        extra = cells[len(names):]
        if len(cells) < len(names) or any(c.strip() for c in extra):
            bad_rows.append(BadRow(line, f"{len(cells)} values where the header has {len(names)} columns "
                                         "(a quote or a line break out of place?)"))
            continue
        rows.append(Row(line, {key: _clean(cells[i]) for key, i in zip(keys, keep)}))
    notes = [f"Line {line} is not UTF-8 like the rest of the file; it was read as Windows-1252: "
             "check its accented letters." for line in guessed]
    return Table(columns, rows, bad_rows, notes)


def _clean(cell: str) -> str:
    """Trimmed, with line breaks inside a value as \n whatever the file's own line ends."""
    return cell.replace("\r\n", "\n").replace("\r", "\n").strip()


def _read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise UnreadableFile(f"{path} is {path.stat().st_size // 2**20} MB: far too large for a CSV export "
                                 "of tools or members; is it the right file?")
        return path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile(f"cannot read {path}: there is no such file") from None
    except IsADirectoryError:
        raise UnreadableFile(f"cannot read {path}: it is a folder, not a file") from None
    except OSError as exc:
        raise UnreadableFile(f"cannot read {path}: {exc.strerror or exc}") from None


def _decode(data: bytes, path: Path) -> tuple[str, list[int]]:
    """The file's text, and the lines whose encoding had to be guessed (see ``_decode_lines``)."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(f"{path} is a spreadsheet workbook, not a CSV file: open it and save it as CSV")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif b"\x00" in data:
        raise UnreadableFile(f"{path} is not a text file, so not a CSV export")
    else:
        encodings = ["utf-8-sig"]
    guessed: list[int] = []
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text, guessed = _decode_lines(data, path)
    if _CONTROL.search(text):
        raise UnreadableFile(f"{path} holds control characters, so it is not a CSV text file")
    if not text.strip():
        raise UnreadableFile(f"{path} is empty")
    return text, guessed


def _decode_lines(data: bytes, path: Path) -> tuple[str, list[int]]:
    """Text that is not all UTF-8, line by line. A file with no UTF-8 beyond ASCII is Windows-1252 (old
    Excel) throughout; in one that has some, only the lines that are not UTF-8 are read as Windows-1252,
    and their numbers returned, so one stray byte never garbles every other accent in the file."""
    lines = data.split(b"\n")
    utf8 = [_utf8(line) for line in lines]
    try:
        if not any(text is not None and not text.isascii() for text in utf8):
            return data.decode("cp1252"), []
        guessed = [n for n, text in enumerate(utf8, 1) if text is None]
        return "\n".join(text if text is not None else line.decode("cp1252") for text, line in zip(utf8, lines)), guessed
    except UnicodeDecodeError:
        raise UnreadableFile(f"{path} is not text in UTF-8 or Windows-1252, so not a CSV export") from None


def _utf8(line: bytes) -> str | None:
    try:
        return line.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _delimiter(text: str) -> str:
    """The separator the header line uses most: commas, or semicolons and tabs from European or Unicode Excel."""
    first_line = text.lstrip("\r\n").splitlines()[0]
    return max(_DELIMITERS, key=first_line.count)


def _records(text: str, path: Path) -> list[tuple[int, list[str]]]:
    """Non-blank records with the line each starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    records, start = [], 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise UnreadableFile(f"{path}, line {start}: {_quoting_problem(exc)}; "
                             "the file is damaged or not a CSV export") from None
    return records


def _quoting_problem(exc: csv.Error) -> str:
    message = str(exc)
    if "unexpected end of data" in message:
        return "a quoted value is never closed"
    if "expected after" in message:
        return "a closing quote is followed by more text (a stray \" in a value?)"
    return message


def _refuse_repeated(columns: list[str], path: Path) -> None:
    seen: set[str] = set()
    for column in columns:
        if column_key(column) in seen:
            raise UnreadableFile(f"{path}: the header names the column '{column}' twice; "
                                 "rename or remove one of them")
        seen.add(column_key(column))
