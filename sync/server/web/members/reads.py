"""What the member page shows, read from the library's view, always for one member only."""

from __future__ import annotations

from datetime import date
from typing import Any

from kiosk.ledger import rules
from kiosk.ledger.hold_views import WAITING_FOR_TOOL
from sync.server.web import hold_queries, queries
from sync.server.web.views import LibraryView


def member(view: LibraryView, code: str) -> dict[str, Any] | None:
    return queries.member(view, code)


def waiting_for(view: LibraryView, tool_code: str) -> int:
    tool = queries.tool(view, tool_code)
    return len(view.query(WAITING_FOR_TOOL, (view.library, tool_code, tool.get("copy_key") if tool else None)))


def loans(view: LibraryView, code: str, today: date) -> list[dict[str, Any]]:
    """The member's open loans, each with why it cannot be renewed (None: it can)."""
    settings = view.settings()
    rows = view.query(
        """SELECT l.*, t.name AS tool_name FROM loans l LEFT JOIN tools t ON t.library = l.library AND t.code = l.tool_code
           WHERE l.library = ? AND l.member_code = ? AND l.closed_by IS NULL ORDER BY l.due, l.opened_hlc""",
        (view.library, code))
    shown = []
    for row in rows:
        loan = dict(row)
        loan["refusal"] = rules.renewal_refusal(loan, settings, today, waiting_for(view, loan["tool_code"]))
        loan["overdue"] = rules.days_overdue(loan["due"], today) > 0
        shown.append(loan)
    return shown


def loan(view: LibraryView, code: str, loan_id: str) -> dict[str, Any] | None:
    rows = view.query("SELECT * FROM loans WHERE library = ? AND id = ? AND member_code = ? AND closed_by IS NULL",
                      (view.library, loan_id, code))
    return dict(rows[0]) if rows else None


def holds(view: LibraryView, code: str, today: date) -> list[dict[str, Any]]:
    """The member's current holds with their place in line (computed over everyone's, shown for theirs)."""
    return [h for h in hold_queries.holds(view, today) if h["member_code"] == code]


def history(view: LibraryView, code: str, today: date) -> list[dict[str, Any]]:
    """Returned loans still within the retention period (older ones have forgotten the member anyway)."""
    cutoff = rules.forget_before(today, view.settings()).isoformat()
    rows = view.query(
        """SELECT l.tool_code, l.opened_at, l.closed_at, t.name AS tool_name FROM loans l
           LEFT JOIN tools t ON t.library = l.library AND t.code = l.tool_code
           WHERE l.library = ? AND l.member_code = ? AND l.closed_by IS NOT NULL AND l.closed_at >= ?
           ORDER BY l.closed_at DESC""", (view.library, code, cutoff))
    return [dict(r) for r in rows]

