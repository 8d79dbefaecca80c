"""Reads of holds over a library view, shaped as the kiosk shows them (``kiosk.ledger.hold_views``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from kiosk.ledger import hold_rules
from kiosk.ledger.hold_views import HOLD_SELECT, hold_view
from sync.server.web.views import LibraryView


def waiting(view: LibraryView) -> list[dict[str, Any]]:
    """Every waiting hold as a row, for the queue rules."""
    return [dict(r) for r in view.query(
        HOLD_SELECT + " WHERE h.library = ? AND h.status = 'waiting' AND h.placed_hlc IS NOT NULL", (view.library,))]


def holds(view: LibraryView, today: date) -> list[dict[str, Any]]:
    """Current holds (waiting and on the hold shelf), by tool, then place in line."""
    rows = [dict(r) for r in view.query(
        HOLD_SELECT + " WHERE h.library = ? AND h.placed_hlc IS NOT NULL AND h.status IN ('waiting', 'ready')",
        (view.library,))]
    places = hold_rules.positions(r for r in rows if r["status"] == "waiting")
    shown = [hold_view(r, places, today) for r in rows]
    shown.sort(key=lambda h: ((h["tool_name"] or "").lower(), h["tool_code"] or "", h["status"] == "waiting",
                              h["position"] or 0))
    return shown


def hold(view: LibraryView, hold_id: str, today: date) -> dict[str, Any] | None:
    return next((h for h in holds(view, today) if h["id"] == hold_id), None)


def copies(view: LibraryView, tool: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(r) for r in view.query("SELECT code FROM tools WHERE library = ? AND copy_key = ? ORDER BY code",
                                        (view.library, tool["copy_key"]))] or [{"code": tool["code"]}]
