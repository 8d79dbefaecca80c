"""Reading holds from the kiosk's tables: one query and one shape, for the ledger and the server's
per-library views alike (both hold the kiosk's schema)."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from kiosk.ledger import hold_rules

HOLD_SELECT = """SELECT h.*, t.name AS tool_name, t.copy_key AS copy_key, m.name AS member_name,
        s.name AS set_aside_name, s.shelf AS set_aside_shelf, s.copy_key AS set_aside_copy_key
    FROM holds h LEFT JOIN tools t ON t.library = h.library AND t.code = h.tool_code
    LEFT JOIN tools s ON s.library = h.library AND s.code = h.set_aside_tool
    LEFT JOIN members m ON m.library = h.library AND m.code = h.member_code"""
# the holds waiting for a tool (library ?1, tool ?2, its copy key ?3): those naming it, and "any copy"
# holds naming one of its copies; each found through the waiting holds' index by tool, never a scan
WAITING_FOR_TOOL = HOLD_SELECT + """ WHERE h.library = ?1 AND h.status = 'waiting' AND h.placed_hlc IS NOT NULL
    AND h.tool_code IN (SELECT ?2 UNION SELECT c.code FROM tools c WHERE c.library = ?1 AND c.copy_key = ?3)
    AND (h.tool_code = ?2 OR h.any_copy = 1)"""


def hold_view(row: Mapping[str, Any], places: Mapping[str, int], today: date) -> dict[str, Any]:
    """A hold as people and scripts see it: the tool concerned, whose it is, place in line, status, window."""
    set_aside = row["status"] in ("ready", "picked_up") and row["set_aside_tool"]
    return {
        "id": row["id"],
        "tool_code": row["set_aside_tool"] if set_aside else row["tool_code"],
        "tool_name": row["set_aside_name"] if set_aside else row["tool_name"],
        "member_code": row["member_code"],
        "member_name": row["member_name"],
        "position": places.get(row["id"]),
        "status": hold_rules.shown_status(row, today),
        "ready_until": row["ready_until"] if row["status"] in ("ready", "expired") else None,
        "any_copy": bool(row["any_copy"]),
        "shelf_name": hold_rules.short_name(row["member_name"]),
        "placed_at": row["placed_at"],
        "provisional": bool(row["provisional"]),
        "reorder_reason": row["reorder_reason"],
        # what the queue rules need (hold_rules.competes, queue_key)
        "copy_key": row["copy_key"], "sort_order": row["sort_order"], "placed_hlc": row["placed_hlc"],
        "placed_device": row["placed_device"],
    }
