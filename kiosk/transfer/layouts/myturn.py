"""myTurn (myturn.com): its items export and its members export.

Items keep their "Item ID" as their label code. Categories are separated by
commas, levels of a category by '>'. Dates are written month first (US).
"""

from __future__ import annotations

from typing import Any

from kiosk.transfer.layouts.base import Cells, Layout, Record
from kiosk.transfer.values import category_paths, iso_date, keywords, loan_days, money

WAS_ON_LOAN = "on loan in myTurn; available here, and those loans were not imported"

_TOOL_TEXT = {
    "brand": "Manufacturer", "model": "Model", "serial": "Serial Number", "condition": "Condition",
    "maker_code": "Product Code / UPC", "description": "Description", "shelf": "Home Location",
}


def _tool(cells: Cells) -> Record:
    fields: dict[str, Any] = {}
    for field_name, column in _TOOL_TEXT.items():
        cells.put(fields, field_name, column)
    cells.put(fields, "replacement_value", "Replacement Cost", parse=money)
    cells.put(fields, "loan_days", "Default Loan Length", parse=loan_days)
    paths = category_paths(cells.text("Categories") or "", between=r"[,;|]", within=r">")
    if cells.has("Categories"):
        fields["category"] = paths[0] if paths else None
    if cells.has("Categories", "Keywords"):
        fields["keywords"] = keywords(cells.text("Keywords"), *paths[1:])
    on_loan = cells.status(fields, "Status(es)")
    return Record(cells.required("Item ID", what="code"), cells.required("Name", what="name"), fields,
                  (WAS_ON_LOAN,) if on_loan else ())


def _member(cells: Cells) -> Record:
    fields: dict[str, Any] = {}
    cells.put(fields, "email", "Email")
    cells.put(fields, "phone", "Phone")
    cells.put(fields, "expires", "Membership Expiration", "Expiration Date", parse=_us_date)
    cells.put(fields, "notes", "Notes")
    name = " ".join(filter(None, (cells.text("First Name"), cells.text("Last Name"))))
    if not name:
        cells.problems.append("no name ('First Name' and 'Last Name' are blank)")
    return Record(cells.required("Member ID", what="card code"), name, fields)


def _us_date(text: str) -> str:
    return iso_date(text, day_first=False)


TOOLS = Layout(
    name="myturn", title="myTurn items",
    columns=("Item ID", "Name", "Categories", "Condition", "Manufacturer", "Model", "Serial Number",
             "Replacement Cost", "Default Loan Length", "Product Code / UPC", "Status(es)", "Description",
             "Keywords", "Home Location"),
    required=(("Item ID",), ("Name",)),
    convert=_tool,
)

MEMBERS = Layout(
    name="myturn", title="myTurn members",
    columns=("Member ID", "First Name", "Last Name", "Email", "Phone", "Membership Expiration", "Expiration Date",
             "Notes"),
    required=(("Member ID",), ("First Name", "Last Name")),
    convert=_member,
)
