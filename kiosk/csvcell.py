"""Cells of CSV files people open in a spreadsheet: text that would run as a formula is written as text.

Shared by the kiosk's CSV output (command line, overdue export) and the server's downloads. It
imports nothing of the project, so anything may use it.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

# A cell a spreadsheet would run as a formula (=, @, a tab or carriage return first, or + and - before
# anything but a number); a phone number like +44 20 7946 0000 or an amount like -5 is left alone.
_FORMULA = re.compile(r"^(?:[=@\t\r]|[+-](?![\d\s().\-/+]*$))")


def cell(value: Any) -> Any:
    """The value as it is, or as text behind an apostrophe when a spreadsheet would run it."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def row(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: cell(value) for key, value in values.items()}
