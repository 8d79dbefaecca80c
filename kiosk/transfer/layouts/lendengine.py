"""Lend Engine (lend-engine.com): its items export and its contacts export.

Items keep their "Code" as their label code. Tags are separated by commas and
have no levels. Lend Engine tells where an item is by its location, so the
locations "On loan" and "Repair" are statuses here, not shelves. Long
descriptions come with their line breaks written as <br>.
"""

from __future__ import annotations

from typing import Any

from kiosk.transfer.layouts.base import Cells, Layout, Record
from kiosk.transfer.values import (
    ON_LOAN, category_paths, html_breaks, keywords, kit_parts, loan_days, money, status_word,
)

WAS_ON_LOAN = "on loan in Lend Engine; available here, and those loans were not imported"
NO_MEMBERSHIP_NUMBER = "had no membership number in Lend Engine; their contact Id is their card code here"

# locations that say what state an item is in rather than where it sits
_LOCATION_STATUS = {"on loan": ON_LOAN, "repair": "in_repair", "in repair": "in_repair",
                    "lost": "missing", "missing": "missing"}

_TOOL_TEXT = {"serial": "Serial number", "condition": "Condition", "brand": "Brand", "notes": "Care information"}


def _tool(cells: Cells) -> Record:
    fields: dict[str, Any] = {}
    for field_name, column in _TOOL_TEXT.items():
        cells.put(fields, field_name, column)
    cells.put(fields, "replacement_value", "Value (RRP)", "Price paid", parse=money)
    cells.put(fields, "loan_days", "Loan period", parse=loan_days)
    cells.put(fields, "kit", "Components", parse=kit_parts)
    if cells.has("Short description", "Long description"):
        parts = (cells.text("Short description"), html_breaks(cells.text("Long description") or "").strip())
        fields["description"] = "\n\n".join(filter(None, parts)) or None
    tags = category_paths(cells.text("Tags") or "", between=r",")
    if cells.has("Tags"):
        fields["category"] = tags[0] if tags else None
    if cells.has("Tags", "Keywords"):
        fields["keywords"] = keywords(cells.text("Keywords"), *tags[1:])
    on_loan = cells.status(fields, "Status")
    if cells.has("Location"):
        location = cells.text("Location")
        state = _LOCATION_STATUS.get(status_word(location or ""))
        fields["shelf"] = None if state else location
        if state == ON_LOAN:
            on_loan = True
        elif state:
            fields["status"] = state
    return Record(cells.required("Code", what="code"), cells.required("Name", what="name"), fields,
                  (WAS_ON_LOAN,) if on_loan else ())


def _member(cells: Cells) -> Record:
    fields: dict[str, Any] = {}
    cells.put(fields, "email", "Email")
    cells.put(fields, "phone", "Telephone")
    name = " ".join(filter(None, (cells.text("First name"), cells.text("Last name"))))
    if not name:
        cells.problems.append("no name ('First name' and 'Last name' are blank)")
    remarks: tuple[str, ...] = ()
    code = cells.text("Membership number", "Member ID")
    if code is None and cells.text("Id", "Contact ID"):
        code, remarks = cells.text("Id", "Contact ID"), (NO_MEMBERSHIP_NUMBER,)
    if code is None:
        cells.problems.append("no card code ('Membership number' and 'Id' are blank)")
    return Record(code or "", name, fields, remarks)


TOOLS = Layout(
    name="lendengine", title="Lend Engine items",
    columns=("Code", "Name", "Serial number", "Condition", "Tags", "Location", "Brand", "Price paid", "Value (RRP)",
             "Loan period", "Short description", "Long description", "Components", "Care information", "Keywords",
             "Status"),
    required=(("Code",), ("Name",)),
    convert=_tool,
)

MEMBERS = Layout(
    name="lendengine", title="Lend Engine contacts",
    columns=("Membership number", "Member ID", "Id", "Contact ID", "First name", "Last name", "Email", "Telephone"),
    required=(("Membership number", "Member ID", "Id", "Contact ID"), ("First name", "Last name")),
    convert=_member,
)
