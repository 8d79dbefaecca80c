"""Circulate (the Chicago Tool Library's open-source system): its items and members exports.

Items keep their "complete_number" (like "A-1234") as their label code.
Categories are '//' paths joined by '; '. A "pending" item is not lendable
yet, so it arrives in repair.
"""

from __future__ import annotations

from typing import Any

from kiosk.transfer.layouts.base import Cells, Layout, Record
from kiosk.transfer.values import category_paths, keywords, member_status, money

PENDING = "pending in Circulate (not lendable yet); imported as in repair"
PENDING_MEMBER = "pending in Circulate (not verified yet); imported as suspended until someone checks them"

_TOOL_TEXT = {"brand": "brand", "model": "model", "serial": "serial", "notes": "checkout_notice"}


def _tool(cells: Cells) -> Record:
    fields: dict[str, Any] = {}
    for field_name, column in _TOOL_TEXT.items():
        cells.put(fields, field_name, column)
    cells.put(fields, "description", "description_markdown", "description")
    cells.put(fields, "replacement_value", "purchase_price", parse=money)
    if cells.has("location_area", "location_shelf"):
        fields["shelf"] = " / ".join(filter(None, (cells.text("location_area"), cells.text("location_shelf")))) or None
    paths = category_paths(cells.text("categories") or "", between=r";", within=r"//")
    if cells.has("categories"):
        fields["category"] = paths[0] if paths else None
    if cells.has("categories", "other_names"):
        fields["keywords"] = keywords(cells.text("other_names"), *paths[1:])
    remarks: tuple[str, ...] = ()
    if (cells.text("status") or "").lower() == "pending":
        fields["status"], remarks = "in_repair", (PENDING,)
    else:
        cells.status(fields, "status")  # Circulate has no loan status on items
    return Record(cells.required("complete_number", what="code"), cells.required("name", what="name"), fields,
                  remarks)


def _member(cells: Cells) -> Record:
    fields: dict[str, Any] = {}
    cells.put(fields, "email", "email")
    cells.put(fields, "phone", "phone")
    remarks: tuple[str, ...] = ()
    if (cells.text("status") or "").lower() == "pending":
        fields["status"], remarks = "suspended", (PENDING_MEMBER,)
    elif cells.has("status"):
        fields["status"] = cells.value("status", parse=member_status) or "active"
    name = cells.required("preferred_name", "legal_name", what="name")
    return Record(cells.required("number", what="card code"), name, fields, remarks)


TOOLS = Layout(
    name="circulate", title="Circulate items",
    columns=("complete_number", "name", "categories", "description_markdown", "description", "brand", "model",
             "serial", "status", "location_area", "location_shelf", "purchase_price", "checkout_notice",
             "other_names"),
    required=(("complete_number",), ("name",)),
    convert=_tool,
)

MEMBERS = Layout(
    name="circulate", title="Circulate members",
    columns=("number", "preferred_name", "legal_name", "email", "phone", "status"),
    required=(("number",), ("preferred_name", "legal_name")),
    convert=_member,
)
