"""Repair tickets as every reader shows them (the kiosk, the command line, the server's pages)."""

from __future__ import annotations

import json
from typing import Any, Mapping

# returned_by: who had the tool when it came back needing repair, while the log still knows
REPAIR_SELECT = """SELECT r.*, t.name AS tool_name, t.shelf AS shelf,
    (SELECT m.name FROM loans l JOIN members m ON m.library = l.library AND m.code = l.member_code
     WHERE l.closed_by = r.return_event ORDER BY l.opened_hlc LIMIT 1) AS returned_by
    FROM repairs r LEFT JOIN tools t ON t.library = r.library AND t.code = r.tool_code"""
# oldest first, then by shelf: the order volunteers work through them
REPAIR_ORDER = " ORDER BY r.opened_at, t.shelf, r.opened_hlc"


def repair_view(row: Mapping[str, Any]) -> dict[str, Any]:
    """A ticket row with its notes and missing parts as lists."""
    ticket = dict(row)
    ticket["notes"] = json.loads(ticket["notes"] or "[]")
    ticket["missing_parts"] = json.loads(ticket["missing_parts"] or "[]")
    return ticket
