"""Reads over a library view, in the shapes the pages show.

Every query is bound to the view's own library: a view holds one library's
events only, and each statement names the library as well, so a page cannot
show another library's members or loans.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from kiosk.ledger import clock, rules
from sync.server.web.views import LibraryView

OVERDUE_SORTS = {
    "days": "l.due, l.opened_hlc",
    "due": "l.due DESC, l.opened_hlc",
    "member": "m.name COLLATE NOCASE, l.due",
    "tool": "t.name COLLATE NOCASE, l.due",
}

_LOANS = """SELECT l.*, t.name AS tool_name, m.name AS member_name, m.email, m.phone FROM loans l
    LEFT JOIN tools t ON t.library = l.library AND t.code = l.tool_code
    LEFT JOIN members m ON m.library = l.library AND m.code = l.member_code"""


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _search(columns: list[str], q: str | None) -> tuple[str, list[Any]]:
    """A condition matching ``q`` anywhere in any of the columns (empty when no q)."""
    if not q or not q.strip():
        return "", []
    pattern = _like(q.strip())
    return " AND (" + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in columns) + ")", [pattern] * len(columns)


def overdue(view: LibraryView, as_of: date, *, q: str | None = None, min_days: int = 0,
            sort: str = "days") -> list[dict[str, Any]]:
    """Open loans past due, each with its borrower's contact and days overdue."""
    where, args = _search(["l.tool_code", "t.name", "l.member_code", "m.name"], q)
    latest_due = (as_of - timedelta(days=max(min_days, 1))).isoformat()
    rows = view.query(
        f"{_LOANS} WHERE l.library = ? AND l.closed_by IS NULL AND l.due <= ?{where} "
        f"ORDER BY {OVERDUE_SORTS.get(sort, OVERDUE_SORTS['days'])}",
        (view.library, latest_due, *args))
    return [{**dict(r), "days_overdue": rules.days_overdue(r["due"], as_of)} for r in rows]


def due_soon(view: LibraryView, as_of: date, within_days: int) -> list[dict[str, Any]]:
    """Open loans due from today to ``within_days`` ahead."""
    rows = view.query(
        f"{_LOANS} WHERE l.library = ? AND l.closed_by IS NULL AND l.due BETWEEN ? AND ? ORDER BY l.due",
        (view.library, as_of.isoformat(), (as_of + timedelta(days=within_days)).isoformat()))
    return [dict(r) for r in rows]


def loans(view: LibraryView, as_of: date, *, state: str = "open", q: str | None = None) -> list[dict[str, Any]]:
    """Open loans, loans returned within the retention period, or both."""
    where, args = _search(["l.tool_code", "t.name", "l.member_code", "m.name"], q)
    cutoff = rules.forget_before(as_of, view.settings()).isoformat()
    states = {
        "open": ("l.closed_by IS NULL", []),
        "returned": ("l.closed_by IS NOT NULL AND l.closed_at >= ?", [cutoff]),
        "all": ("(l.closed_by IS NULL OR l.closed_at >= ?)", [cutoff]),
    }
    condition, state_args = states.get(state, states["open"])
    rows = view.query(
        f"{_LOANS} WHERE l.library = ? AND {condition}{where} ORDER BY l.closed_by IS NOT NULL, l.due DESC, l.opened_hlc",
        (view.library, *state_args, *args))
    return [{**dict(r), "days_overdue": 0 if r["closed_by"] else rules.days_overdue(r["due"], as_of)} for r in rows]


def loan(view: LibraryView, loan_id: str) -> dict[str, Any] | None:
    rows = view.query(f"{_LOANS} WHERE l.library = ? AND l.id = ?", (view.library, loan_id))
    return dict(rows[0]) if rows else None


def loan_history(view: LibraryView, loan_id: str) -> list[dict[str, Any]]:
    """The loan's events (opened, renewed) and the return that closed it, in clock order."""
    rows = view.query(
        """SELECT * FROM events WHERE library = ? AND (entity = ? OR id = (SELECT closed_by FROM loans WHERE id = ?))
           ORDER BY hlc, device, device_seq""",
        (view.library, f"loan:{loan_id}", loan_id))
    return [_event_row(r) for r in rows]


def conflicts(view: LibraryView, *, include_resolved: bool = False) -> list[dict[str, Any]]:
    """Conflicts, each with both sides: the two loans, or the return and the loan it names."""
    sql = "SELECT * FROM conflicts WHERE library = ?" + ("" if include_resolved else " AND status = 'open'")
    result = []
    for row in view.query(sql + " ORDER BY status = 'resolved', detected_hlc", (view.library,)):
        conflict = _conflict_dict(view, row)
        result.append(conflict)
    return result


def conflict(view: LibraryView, conflict_id: str) -> dict[str, Any] | None:
    rows = view.query("SELECT * FROM conflicts WHERE library = ? AND id = ?", (view.library, conflict_id))
    return _conflict_dict(view, rows[0]) if rows else None


def _conflict_dict(view: LibraryView, row: Any) -> dict[str, Any]:
    conflict = dict(row)
    conflict["tool"] = tool(view, row["tool_code"])
    conflict["detected_at"] = clock.stamp_iso(row["detected_hlc"])
    conflict["loans"] = [found for found in (loan(view, i) for i in (row["loan_a"], row["loan_b"]) if i) if found]
    conflict["holds"] = [dict(h) for i in (row["hold_a"], row["hold_b"]) if i for h in view.query(
        """SELECT h.*, m.name AS member_name, m.phone FROM holds h
           LEFT JOIN members m ON m.library = h.library AND m.code = h.member_code WHERE h.library = ? AND h.id = ?""",
        (view.library, i))]
    ret = view.query("SELECT * FROM returns WHERE library = ? AND event_id = ?", (view.library, row["return_event"] or ""))
    conflict["return"] = dict(ret[0]) if ret else None
    return conflict


def tools(view: LibraryView, *, q: str | None = None, status: str | None = None,
          category: str | None = None) -> list[dict[str, Any]]:
    where, args = _search(["t.code", "t.name", "t.category", "t.brand", "t.model", "t.keywords"], q)
    if status:
        where += " AND t.status = ?"
        args.append(status)
    if category:
        where += " AND (t.category = ? OR t.category LIKE ? ESCAPE '\\')"
        args += [category, category.replace("%", "\\%").replace("_", "\\_") + " > %"]
    rows = view.query(
        f"""SELECT t.*, (SELECT min(due) FROM loans l WHERE l.library = t.library AND l.tool_code = t.code
                         AND l.closed_by IS NULL) AS due_back,
                   (SELECT count(*) FROM loans l WHERE l.library = t.library AND l.tool_code = t.code) AS loan_count
            FROM tools t WHERE t.library = ? AND t.name IS NOT NULL{where} ORDER BY t.name COLLATE NOCASE, t.code""",
        (view.library, *args))
    return [_tool_dict(r) for r in rows]


def tool(view: LibraryView, code: str) -> dict[str, Any] | None:
    rows = view.query("SELECT * FROM tools WHERE library = ? AND code = ?", (view.library, code))
    if not rows:
        return None
    found = _tool_dict(rows[0])
    found["loans"] = [dict(r) for r in view.query(
        f"{_LOANS} WHERE l.library = ? AND l.tool_code = ? ORDER BY l.opened_hlc DESC", (view.library, code))]
    return found


def tool_history(view: LibraryView, code: str) -> list[dict[str, Any]]:
    """Catalog edits, loans and returns of one tool, newest first."""
    rows = view.query(
        """SELECT e.* FROM events e WHERE e.library = ? AND (
               (e.type IN ('tool.added', 'tool.edited', 'loan.returned') AND e.entity = ?)
               OR (e.type = 'loan.opened' AND json_extract(e.payload, '$.tool') = ?)
               OR (e.type = 'loan.renewed' AND e.entity IN
                   (SELECT 'loan:' || id FROM loans WHERE library = e.library AND tool_code = ?)))
           ORDER BY e.hlc DESC, e.device, e.device_seq DESC""",
        (view.library, f"tool:{code}", code, code))
    return [_event_row(r) for r in rows]


def categories(view: LibraryView) -> list[str]:
    """Every category path in use, parents included."""
    paths: set[str] = set()
    for row in view.query("SELECT DISTINCT category FROM tools WHERE library = ? AND category IS NOT NULL",
                          (view.library,)):
        parts = [p.strip() for p in row["category"].split(">")]
        paths.update(" > ".join(parts[: i + 1]) for i in range(len(parts)))
    return sorted(paths)


def members(view: LibraryView, as_of: date, *, q: str | None = None) -> list[dict[str, Any]]:
    where, args = _search(["m.code", "m.name", "m.email", "m.phone"], q)
    rows = view.query(
        f"""SELECT m.*,
                (SELECT count(*) FROM loans l WHERE l.library = m.library AND l.member_code = m.code
                 AND l.closed_by IS NULL) AS open_loans,
                (SELECT count(*) FROM loans l WHERE l.library = m.library AND l.member_code = m.code
                 AND l.closed_by IS NULL AND l.due < ?) AS overdue_loans
            FROM members m WHERE m.library = ? AND m.name IS NOT NULL{where} ORDER BY m.name COLLATE NOCASE, m.code""",
        (as_of.isoformat(), view.library, *args))
    return [dict(r) for r in rows]


def member(view: LibraryView, code: str) -> dict[str, Any] | None:
    rows = view.query("SELECT * FROM members WHERE library = ? AND code = ? AND name IS NOT NULL", (view.library, code))
    return dict(rows[0]) if rows else None


def member_names(view: LibraryView) -> dict[str, str]:
    return {r["code"]: r["name"] for r in view.query(
        "SELECT code, name FROM members WHERE library = ? AND name IS NOT NULL", (view.library,))}


def catalog(view: LibraryView) -> list[dict[str, Any]]:
    """The library's tools as partners see them: what and whether it is in, never who has it."""
    rows = view.query(
        """SELECT t.code, t.name, t.category, t.brand, t.model, t.status,
                  (SELECT min(due) FROM loans l WHERE l.library = t.library AND l.tool_code = t.code
                   AND l.closed_by IS NULL) AS due_back,
                  (SELECT count(*) FROM holds h WHERE h.library = t.library AND h.tool_code = t.code
                   AND h.status = 'waiting') AS waiting
           FROM tools t WHERE t.library = ? AND t.name IS NOT NULL AND t.status != 'retired'
           ORDER BY t.name COLLATE NOCASE, t.code""",
        (view.library,))
    return [dict(r) for r in rows]


def stats(view: LibraryView, today: date, weeks: int = 12) -> dict[str, Any]:
    """Loans and borrowers per week, the most borrowed tools, tools never borrowed, totals."""
    lib = view.library
    monday = today - timedelta(days=today.weekday())
    starts = [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    by_week = {r["week"]: r for r in view.query(
        """SELECT date(opened_at, '-' || ((CAST(strftime('%w', opened_at) AS INTEGER) + 6) % 7) || ' days') AS week,
                  count(*) AS loans, count(DISTINCT member_code) AS members
           FROM loans WHERE library = ? AND opened_at >= ? GROUP BY week""",
        (lib, starts[0].isoformat()))}
    per_week = [{"week": s.isoformat(), "loans": by_week[s.isoformat()]["loans"] if s.isoformat() in by_week else 0,
                 "members": by_week[s.isoformat()]["members"] if s.isoformat() in by_week else 0} for s in starts]
    one = lambda sql, *a: view.query(sql, (lib, *a))[0][0]  # noqa: E731
    return {
        "weeks": per_week,
        # by name, every copy together: "which tools are wanted", not "which copy wears out"
        "most_borrowed": [dict(r) for r in view.query(
            """SELECT COALESCE(t.name, l.tool_code) AS name, count(*) AS loans, count(DISTINCT l.tool_code) AS copies
               FROM loans l LEFT JOIN tools t ON t.library = l.library AND t.code = l.tool_code
               WHERE l.library = ? GROUP BY COALESCE(t.name, l.tool_code) ORDER BY loans DESC, name LIMIT 10""",
            (lib,))],
        "never_borrowed": [dict(r) for r in view.query(
            """SELECT t.code, t.name, t.category, t.status FROM tools t
               WHERE t.library = ? AND t.name IS NOT NULL AND t.status != 'retired' AND NOT EXISTS
               (SELECT 1 FROM loans l WHERE l.library = t.library AND l.tool_code = t.code)
               ORDER BY t.name COLLATE NOCASE, t.code""", (lib,))],
        "active_members": one(
            "SELECT count(DISTINCT member_code) FROM loans WHERE library = ? AND opened_at >= ?",
            (today - timedelta(days=30)).isoformat()),
        "tools": one("SELECT count(*) FROM tools WHERE library = ? AND name IS NOT NULL AND status != 'retired'"),
        "members": one("SELECT count(*) FROM members WHERE library = ? AND name IS NOT NULL"),
        "loans_open": one("SELECT count(*) FROM loans WHERE library = ? AND closed_by IS NULL"),
        "loans_overdue": one("SELECT count(*) FROM loans WHERE library = ? AND closed_by IS NULL AND due < ?",
                             today.isoformat()),
        "conflicts_open": one("SELECT count(*) FROM conflicts WHERE library = ? AND status = 'open'"),
    }


def _tool_dict(row: Any) -> dict[str, Any]:
    found = dict(row)
    found["kit"] = json.loads(found["kit"]) if found.get("kit") else []
    return found


def _event_row(row: Any) -> dict[str, Any]:
    """An event for a history list: when the library says it happened (a loan's date), else its clock."""
    payload, stamp = json.loads(row["payload"]), clock.stamp_iso(row["hlc"])
    return {"id": row["id"], "type": row["type"], "device": row["device"], "payload": payload, "stamp": stamp,
            "day": payload.get("at") if isinstance(payload.get("at"), str) else stamp[:10]}
