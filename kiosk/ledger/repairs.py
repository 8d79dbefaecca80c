"""Repair tickets: what is wrong with a tool, who is on it, parts, cost, notes, and its way back.

Opening a ticket takes the tool out of service (a catalog edit partners see as "in repair");
closing it as fixed puts it back (on the hold shelf when someone waits for it), closing it as
cannot be fixed retires it. A return marked
"needs repair" or "parts missing" opens one in the same write (``Lending.checkin``).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Sequence

from kiosk.ledger import repair_rules
from kiosk.ledger.errors import InvalidInput, NotFound
from kiosk.ledger.holds import Holds
from kiosk.ledger.ids import uuid7
from kiosk.ledger.repair_views import REPAIR_ORDER, REPAIR_SELECT, repair_view
from kiosk.ledger.store import write_transaction



class Repairs(Holds):
    def open_repair(self, tool_code: str, problem: str, *, origin: str = "volunteer",
                    missing_parts: Sequence[str] = (), today: date | None = None) -> dict[str, Any]:
        """Opens a ticket for a tool; a tool that already has an open one keeps it (returned)."""
        problem = repair_rules.check_problem(problem)
        with self._lock, write_transaction(self._conn, self.path):
            repair_id = self._open_repair(tool_code, problem, origin, missing_parts, today or self.today())
        return self.repair(repair_id)

    def _open_repair(self, tool_code: str, problem: str, origin: str, missing_parts: Sequence[str],
                     today: date, return_event: str | None = None) -> str:
        """Inside a write: the ticket's events; its id. ``return_event``: the return that opened it,
        through which the ticket says who had the tool (until the retention rule forgets them)."""
        tool = self._tool_row(tool_code)
        if tool is None:
            raise NotFound(f"no tool has the code {tool_code}")
        if tool["status"] == "retired":
            raise InvalidInput(f"{tool['name']} is retired; it cannot go in for repair")
        current = self._conn.execute(
            "SELECT id FROM repairs WHERE library = ? AND tool_code = ? AND status IN ('open', 'waiting_parts')",
            (self.library["slug"], tool_code)).fetchone()
        if current is not None:
            raise InvalidInput(f"{tool['name']} already has an open repair ({current['id']})")
        repair_id = uuid7()
        self._append("repair.opened", f"repair:{repair_id}", {
            "repair_id": repair_id, "tool": tool_code, "problem": problem, "origin": origin,
            "missing_parts": list(missing_parts), "at": today.isoformat(),
            **({"return_event": return_event} if return_event else {})})
        if tool["service_status"] != "in_repair":
            self._append("tool.edited", f"tool:{tool_code}", {"code": tool_code, "fields": {"status": "in_repair"}})
        return repair_id

    def update_repair(self, repair_id: str, *, status: str | None = None, assignee: str | None = None,
                      cost: Any = None, parts: str | None = None, note: str | None = None,
                      today: date | None = None) -> dict[str, Any]:
        """Changes a ticket; closing it as fixed puts the tool back in service, as cannot_fix retires it."""
        changes = repair_rules.check_update(status=status, assignee=assignee, cost=cost, parts=parts, note=note)
        with self._lock, write_transaction(self._conn, self.path):
            today = today or self.today()
            ticket = self._repair_row(repair_id)
            refusal = repair_rules.update_refusal(ticket, changes)
            if refusal:
                raise InvalidInput(refusal)
            self._append("repair.updated", f"repair:{repair_id}",
                         {"repair_id": repair_id, **changes, "at": today.isoformat()})
            back_to = repair_rules.TOOL_STATUS_WHEN_CLOSED.get(changes.get("status", ""))
            if back_to and ticket["tool_code"]:
                self._append("tool.edited", f"tool:{ticket['tool_code']}",
                             {"code": ticket["tool_code"], "fields": {"status": back_to}})
                self._settle_tool(ticket["tool_code"], today)   # back in service: to whoever waits for it
        return self.repair(repair_id)

    def repair(self, repair_id: str) -> dict[str, Any]:
        return repair_view(self._repair_row(repair_id, full=True))

    def _repair_row(self, repair_id: str, full: bool = False) -> dict[str, Any]:
        rows = self._query((REPAIR_SELECT if full else "SELECT * FROM repairs r") + " WHERE r.library = ? AND r.id = ?",
                           (self.library["slug"], repair_id.strip()))
        if not rows or rows[0]["opened_at"] is None:
            raise NotFound(f"no repair has the id {repair_id}")
        return rows[0]

    def repairs(self, *, status: str | None = None, tool_code: str | None = None,
                open_only: bool = False) -> list[dict[str, Any]]:
        """Tickets oldest first, then by shelf; ``open_only``: those still to be done."""
        if status is not None and status not in repair_rules.STATUSES:
            raise InvalidInput(f"a repair's status is one of {', '.join(repair_rules.STATUSES)}, not {status!r}")
        sql, args = REPAIR_SELECT + " WHERE r.library = ? AND r.opened_at IS NOT NULL", [self.library["slug"]]
        if status:
            sql += " AND r.status = ?"
            args.append(status)
        if open_only:
            sql += " AND r.status IN ('open', 'waiting_parts')"
        if tool_code:
            sql += " AND r.tool_code = ?"
            args.append(tool_code)
        return [repair_view(r) for r in self._query(sql + REPAIR_ORDER, tuple(args))]

    def repair_for_tool(self, tool_code: str) -> dict[str, Any] | None:
        found = self.repairs(tool_code=tool_code, open_only=True)
        return found[0] if found else None

