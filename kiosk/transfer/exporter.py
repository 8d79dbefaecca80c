"""Exporting tools and members as CSV in our own layout, which imports back unchanged."""

from __future__ import annotations

import csv
from typing import TextIO

from kiosk.ledger import Ledger
from kiosk.transfer.layouts import generic


def export_tools(ledger: Ledger, out: TextIO) -> int:
    """Every tool of this library, sorted by name; returns the number of rows written."""
    writer = csv.writer(out)
    writer.writerow(generic.TOOL_COLUMNS)
    tools = ledger.list_tools()
    writer.writerows(generic.tool_row(tool) for tool in tools)
    return len(tools)


def export_members(ledger: Ledger, out: TextIO) -> int:
    """Every member, with only what the kiosk needs to lend (no waiver records)."""
    writer = csv.writer(out)
    writer.writerow(generic.MEMBER_COLUMNS)
    members = ledger.list_members()
    writer.writerows(generic.member_row(member) for member in members)
    return len(members)
