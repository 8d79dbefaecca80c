"""What a layout is: the columns one system writes, and how a row of them becomes a tool or member."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from kiosk.transfer.reader import column_key
from kiosk.transfer.values import RowProblem, tool_status


@dataclass(frozen=True)
class Record:
    """One row as the ledger will hold it. ``fields`` holds only what the file has
    columns for, so a column the file lacks never clears a value here."""

    code: str
    name: str
    fields: dict[str, Any]
    remarks: tuple[str, ...] = ()   # counted in the report, e.g. "on loan in myTurn; ..."


class Cells:
    """One row's values, looked up by the column names a layout declares.

    A column missing from the file is told apart from a blank value. Problems
    are collected rather than raised, so a row is reported with all of them."""

    def __init__(self, values: Mapping[str, str], declared: frozenset[str]):
        self._values = values
        self._declared = declared
        self.problems: list[str] = []

    def has(self, *columns: str) -> bool:
        """Whether the file has any of these columns."""
        return any(self._key(c) in self._values for c in columns)

    def text(self, *columns: str) -> str | None:
        """The first non-blank value among these columns."""
        return self._first(columns)[1]

    def value(self, *columns: str, parse: Callable[[str], Any]) -> Any:
        """The first non-blank value among these columns, parsed; None when blank or bad."""
        column, text = self._first(columns)
        if text is None:
            return None
        try:
            return parse(text)
        except RowProblem as exc:
            self.problems.append(f"{column}: {exc}")
            return None

    def required(self, *columns: str, what: str) -> str:
        value = self.text(*columns)
        if value is None:
            self.problems.append(f"no {what} ('{columns[0]}' is blank)")
        return value or ""

    def put(self, fields: dict[str, Any], field_name: str, *columns: str,
            parse: Callable[[str], Any] | None = None) -> None:
        """Sets a field when the file has any of these columns: blank gives None."""
        if self.has(*columns):
            fields[field_name] = self.value(*columns, parse=parse) if parse else self.text(*columns)

    def status(self, fields: dict[str, Any], column: str) -> bool:
        """Sets the status when the file has the column; True when the tool was on loan there."""
        if not self.has(column):
            return False
        status, on_loan = self.value(column, parse=tool_status) or ("available", False)
        fields["status"] = status
        return on_loan

    def _first(self, columns: tuple[str, ...]) -> tuple[str, str | None]:
        for column in columns:
            value = self._values.get(self._key(column))
            if value:
                return column, value
        return columns[0], None

    def _key(self, column: str) -> str:
        key = column_key(column)
        if key not in self._declared:
            raise KeyError(f"the column {column!r} is read but not declared by its layout")
        return key


@dataclass(frozen=True)
class Layout:
    name: str                                 # what --from calls it
    title: str                                # what people call it: "myTurn items"
    columns: tuple[str, ...]                  # every column whose contents it imports
    required: tuple[tuple[str, ...], ...]     # a file in this layout has at least one column of each group
    convert: Callable[[Cells], Record]
    keys: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", frozenset(column_key(c) for c in self.columns))

    def missing(self, columns: list[str]) -> list[str]:
        """The required columns a header lacks (the first name of each group)."""
        header = {column_key(c) for c in columns}
        return [group[0] for group in self.required if not any(column_key(c) in header for c in group)]

    def score(self, columns: list[str]) -> int:
        """How many of a header's columns this layout imports."""
        return len(self.keys & {column_key(c) for c in columns})

    def record(self, values: Mapping[str, str]) -> tuple[Record, list[str]]:
        """The row as a record, and its problems (none for a good row)."""
        cells = Cells(values, self.keys)
        record = self.convert(cells)
        return record, cells.problems
