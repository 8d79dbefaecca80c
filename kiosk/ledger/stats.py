"""Statistics: how the library's tools and members are used."""

from __future__ import annotations

from datetime import date
from typing import Any

from kiosk.ledger.settings import Settings


class Stats(Settings):
    def stats(self, today: date | None = None) -> dict[str, Any]:
        today = today or self.today()
        lib = self.library["slug"]
        one = lambda sql, *a: self._scalar(sql, (lib, *a))  # noqa: E731
        by_status = {r["status"]: r["n"] for r in self._query(
            "SELECT status, count(*) AS n FROM tools WHERE library = ? AND name IS NOT NULL GROUP BY status", (lib,))}
        return {
            "tools": sum(by_status.values()), "tools_by_status": by_status,
            "members": one("SELECT count(*) FROM members WHERE library = ? AND name IS NOT NULL"),
            "loans_total": one("SELECT count(*) FROM loans WHERE library = ?"),
            "loans_open": one("SELECT count(*) FROM loans WHERE library = ? AND closed_by IS NULL"),
            "loans_overdue": one("SELECT count(*) FROM loans WHERE library = ? AND closed_by IS NULL AND due < ?",
                                 today.isoformat()),
            "conflicts_open": one("SELECT count(*) FROM conflicts WHERE library = ? AND status = 'open'"),
            "repairs_open": one("SELECT count(*) FROM repairs WHERE library = ? AND status IN ('open', 'waiting_parts')"),
            "repair_cost": one("SELECT COALESCE(sum(cost), 0) FROM repairs WHERE library = ?"),
            "most_borrowed": self._query(
                """SELECT l.tool_code, t.name, count(*) AS loans FROM loans l
                   LEFT JOIN tools t ON t.library = l.library AND t.code = l.tool_code
                   WHERE l.library = ? GROUP BY l.tool_code ORDER BY loans DESC, l.tool_code LIMIT 10""", (lib,)),
            "never_borrowed": one(
                """SELECT count(*) FROM tools t WHERE t.library = ? AND t.name IS NOT NULL AND NOT EXISTS
                   (SELECT 1 FROM loans l WHERE l.library = t.library AND l.tool_code = t.code)"""),
        }
