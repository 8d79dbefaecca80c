"""Reads of repair tickets over a library view, shaped as the kiosk shows them (``kiosk.ledger.repair_views``)."""

from __future__ import annotations

from typing import Any

from kiosk.ledger.repair_rules import OPEN_STATUSES
from kiosk.ledger.repair_views import REPAIR_ORDER, REPAIR_SELECT, repair_view
from sync.server.web.views import LibraryView

STATES = ("current", "all", "open", "waiting_parts", "fixed", "cannot_fix")


def repairs(view: LibraryView, *, state: str = "current", q: str | None = None) -> list[dict[str, Any]]:
    """Tickets oldest first, then by shelf: the current ones (open or waiting for parts), all, or one status."""
    sql, args = REPAIR_SELECT + " WHERE r.library = ? AND r.opened_at IS NOT NULL", [view.library]
    if state == "current":
        sql += f" AND r.status IN ({', '.join('?' * len(OPEN_STATUSES))})"
        args += OPEN_STATUSES
    elif state != "all":
        sql += " AND r.status = ?"
        args.append(state)
    if q and q.strip():
        pattern = "%" + q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        sql += " AND (" + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in
                                       ("r.tool_code", "t.name", "r.problem", "r.assignee")) + ")"
        args += [pattern] * 4
    return [repair_view(r) for r in view.query(sql + REPAIR_ORDER, tuple(args))]


def for_tool(view: LibraryView, code: str) -> list[dict[str, Any]]:
    """The tool's tickets, newest first: its repair history."""
    return [repair_view(r) for r in view.query(
        REPAIR_SELECT + " WHERE r.library = ? AND r.tool_code = ? AND r.opened_at IS NOT NULL "
                        "ORDER BY r.opened_hlc DESC", (view.library, code))]


def summary(view: LibraryView) -> dict[str, Any]:
    """For the statistics: tickets still open, and what the closed ones cost."""
    row = view.query(
        """SELECT sum(CASE WHEN status IN ('open', 'waiting_parts') THEN 1 ELSE 0 END) AS open,
                  sum(CASE WHEN status IN ('fixed', 'cannot_fix') THEN 1 ELSE 0 END) AS closed,
                  COALESCE(sum(cost), 0) AS cost
           FROM repairs WHERE library = ? AND opened_at IS NOT NULL""", (view.library,))[0]
    return {"open": row["open"] or 0, "closed": row["closed"] or 0, "cost": round(row["cost"], 2)}
