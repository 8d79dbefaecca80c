"""Our own layout: the columns `toolkiosk tools export` and `toolkiosk members export` write.

Columns are named after the ledger's fields, so export and import round-trip:
a kit is written one part per line, an amount as a plain number, a date as
YYYY-MM-DD. A tool on loan is exported with the status "on_loan", which comes
back as available (loans are not part of the catalog).
"""

from __future__ import annotations

from typing import Any

from kiosk.transfer.layouts.base import Cells, Layout, Record
from kiosk.transfer.values import iso_date, language, lines, loan_days, member_status, money, whole_number

WAS_ON_LOAN = "on loan when exported; available here, and those loans were not imported"

TOOL_COLUMNS = ("code", "name", "category", "maker_code", "brand", "model", "serial", "description", "condition",
                "status", "shelf", "replacement_value", "loan_days", "kit", "keywords", "notes")
MEMBER_COLUMNS = ("code", "name", "email", "phone", "language", "area", "expires", "loan_limit", "status", "notes")

_TOOL_TEXT = ("category", "maker_code", "brand", "model", "serial", "description", "condition", "shelf",
              "keywords", "notes")


def _tool(cells: Cells) -> Record:
    fields: dict[str, Any] = {}
    for column in _TOOL_TEXT:
        cells.put(fields, column, column)
    cells.put(fields, "replacement_value", "replacement_value", parse=money)
    cells.put(fields, "loan_days", "loan_days", parse=loan_days)
    cells.put(fields, "kit", "kit", parse=lines)
    on_loan = cells.status(fields, "status")
    return Record(cells.required("code", what="code"), cells.required("name", what="name"), fields,
                  (WAS_ON_LOAN,) if on_loan else ())


def _member(cells: Cells) -> Record:
    fields: dict[str, Any] = {}
    cells.put(fields, "email", "email")
    cells.put(fields, "phone", "phone")
    cells.put(fields, "language", "language", parse=language)
    cells.put(fields, "area", "area")   # neighbourhood or postal area, optional
    cells.put(fields, "expires", "expires", parse=lambda text: iso_date(text, day_first=False))
    cells.put(fields, "loan_limit", "loan_limit", parse=whole_number)
    cells.put(fields, "notes", "notes")
    if cells.has("status"):
        fields["status"] = cells.value("status", parse=member_status) or "active"
    return Record(cells.required("code", what="card code"), cells.required("name", what="name"), fields)


def tool_row(tool: dict[str, Any]) -> list[str]:
    """A ledger tool as a row of TOOL_COLUMNS."""
    values = {**tool, "replacement_value": _amount(tool.get("replacement_value")),
              "kit": "\n".join(tool.get("kit") or [])}
    return [_cell(values.get(column)) for column in TOOL_COLUMNS]


def member_row(member: dict[str, Any]) -> list[str]:
    return [_cell(member.get(column)) for column in MEMBER_COLUMNS]


def _amount(value: float | None) -> str | None:
    """Two decimals when that is exact (12.50), else every digit it takes to read back the same number."""
    if value is None:
        return None
    return f"{value:.2f}" if round(value, 2) == value else repr(float(value))


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


TOOLS = Layout(name="generic", title="toolkiosk tools", columns=TOOL_COLUMNS,
               required=(("code",), ("name",)), convert=_tool)

MEMBERS = Layout(name="generic", title="toolkiosk members", columns=MEMBER_COLUMNS,
                 required=(("code",), ("name",)), convert=_member)
