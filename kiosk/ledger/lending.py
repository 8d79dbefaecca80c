"""Lending: checking tools out and in, renewals, loans and the overdue list."""

from __future__ import annotations

from datetime import date
from typing import Any, Sequence

from kiosk.ledger import repair_rules, rules
from kiosk.ledger.catalog import tool_dict
from kiosk.ledger.errors import InvalidInput, NotFound, Refusal, Refused
from kiosk.ledger.events import CONDITIONS, PROBLEM_MAX_LENGTH
from kiosk.ledger.repairs import Repairs
from kiosk.ledger.ids import uuid7
from kiosk.ledger.limits import KIT_PART_MAX, KIT_PARTS_MAX, check_note
from kiosk.ledger.store import write_transaction

_LOAN_SELECT = """SELECT l.*, t.name AS tool_name, m.name AS member_name FROM loans l
    LEFT JOIN tools t ON t.library = l.library AND t.code = l.tool_code
    LEFT JOIN members m ON m.library = l.library AND m.code = l.member_code"""


class Lending(Repairs):
    def checkout_refusals(self, member_code: str, tool_codes: Sequence[str], today: date | None = None) -> list[Refusal]:
        """Every reason this checkout would be refused; empty when it would go through."""
        today = today or self.today()
        member = self.find_member(member_code)
        tools = [(code, self._tool_for_checkout(code, today)) for code in tool_codes]
        out = self._open_loan_count(member_code) if member else 0
        return rules.checkout_refusals(member, member_code, tools, out, self.settings, today)

    def _tool_for_checkout(self, code: str, today: date) -> dict[str, Any] | None:
        """The tool, and the member it is kept for when someone waits for it."""
        row = self._tool_row(code)
        if row is None:
            return None
        tool = tool_dict(row)
        if tool["status"] in ("available", "on_hold_shelf"):
            tool["held_for"] = self._held_for(tool, today)
        return tool

    def _open_loan_count(self, member_code: str) -> int:
        return self._scalar("SELECT count(*) FROM loans WHERE library = ? AND member_code = ? AND closed_by IS NULL",
                            (self.library["slug"], member_code))

    def checkout(self, member_code: str, tool_codes: Sequence[str], today: date | None = None) -> list[dict[str, Any]]:
        """All or nothing: if any tool is refused, none go out and every reason is raised."""
        if not tool_codes:
            raise InvalidInput("scan at least one tool to check out")
        with self._lock, write_transaction(self._conn, self.path):
            today = today or self.today()
            refusals = self.checkout_refusals(member_code, tool_codes, today)
            if refusals:
                raise Refused(refusals)
            settings, loan_ids = self.settings, []
            for code in tool_codes:
                tool = tool_dict(self._tool_row(code))
                due = rules.due_date(today, rules.loan_days(tool, settings), settings)
                loan_id = uuid7()
                self._append("loan.opened", f"loan:{loan_id}", {
                    "loan_id": loan_id, "tool": code, "member": member_code, "due": due.isoformat(),
                    "at": today.isoformat()}, minted=True)
                self._end_holds_on_checkout(member_code, tool, loan_id, today)
                loan_ids.append(loan_id)
        return [self.loan(i) for i in loan_ids]

    def checkin(self, tool_code: str, condition: str = "ok", note: str | None = None,
                missing_parts: Sequence[str] = (), today: date | None = None,
                problem: str | None = None) -> dict[str, Any]:
        """Returns a tool by its code alone. A tool this kiosk did not know was out is
        recorded all the same: the return closes that loan when it arrives. ``problem``, what
        is wrong with a tool returned for repair, opens a repair ticket for whoever mends it.
        A tool someone waits for is set aside for them: ``hold`` says whose it is."""
        if condition not in CONDITIONS:
            raise InvalidInput(f"condition must be one of {', '.join(CONDITIONS)}")
        problem = (problem or "").strip()
        if problem and condition != "repair":
            raise InvalidInput("only a tool returned for repair has a problem to note")
        if len(problem) > PROBLEM_MAX_LENGTH:
            raise InvalidInput(f"say what is wrong in at most {PROBLEM_MAX_LENGTH} characters")
        check_note(note or None, "the note")
        if len(missing_parts) > KIT_PARTS_MAX or not all(0 < len(part) <= KIT_PART_MAX for part in missing_parts):
            raise InvalidInput(f"name at most {KIT_PARTS_MAX} missing parts, each 1 to {KIT_PART_MAX} characters")
        with self._lock, write_transaction(self._conn, self.path):
            today = today or self.today()
            tool = self._tool_row(tool_code)
            if tool is None:
                raise NotFound(f"no tool has the code {tool_code}")
            open_loans = self._conn.execute(
                "SELECT id FROM loans WHERE library = ? AND tool_code = ? AND closed_hlc IS NULL ORDER BY +opened_hlc",
                (self.library["slug"], tool_code)).fetchall()
            event = self._append("loan.returned", f"tool:{tool_code}", {
                "tool": tool_code, "loan_id": open_loans[0]["id"] if len(open_loans) == 1 else None,
                "condition": condition, "note": note or None, "missing_parts": list(missing_parts),
                "at": today.isoformat()})
            if rules.status_after_return(condition):  # the borrower's note stays in the return
                self._ticket_for_return(tool_code, returned_problem(problem, missing_parts), missing_parts, today,
                                        event.id)
            hold = self._settle_tool(tool_code, today)
        closed = self._query("SELECT * FROM loans WHERE closed_by = ?", (event.id,))
        return {"tool": self.tool(tool_code), "loans": closed, "known_loan": bool(closed), "hold": hold}

    def _ticket_for_return(self, tool_code: str, problem: str, missing_parts: Sequence[str], today: date,
                           return_event: str) -> None:
        """Inside a write: a return needing repair opens a ticket, or adds to the one still open."""
        current = self._conn.execute(
            "SELECT id FROM repairs WHERE library = ? AND tool_code = ? AND status IN ('open', 'waiting_parts')",
            (self.library["slug"], tool_code)).fetchone()
        if current is None:
            self._open_repair(tool_code, problem, "return", missing_parts, today, return_event)
        else:
            self._append("repair.updated", f"repair:{current['id']}", {
                "repair_id": current["id"], "note": f"Returned again: {problem}"[:repair_rules.NOTE_MAX],
                "at": today.isoformat()})

    def renew(self, tool_code: str, today: date | None = None) -> dict[str, Any]:
        with self._lock, write_transaction(self._conn, self.path):
            today = today or self.today()
            rows = self._conn.execute(
                "SELECT * FROM loans WHERE library = ? AND tool_code = ? AND closed_hlc IS NULL ORDER BY +opened_hlc",
                (self.library["slug"], tool_code)).fetchall()
            if not rows:
                raise NotFound(f"the tool {tool_code} is not on loan")
            loan = dict(rows[0])
            refusal = rules.renewal_refusal(loan, self.settings, today, self.waiting_count(tool_code))
            if refusal:
                raise Refused([refusal])
            due = rules.renewed_due(loan, tool_dict(self._tool_row(tool_code)), self.settings, today)
            self._append("loan.renewed", f"loan:{loan['id']}", {"loan_id": loan["id"], "due": due.isoformat()})
        return self.loan(loan["id"])

    def loan(self, loan_id: str) -> dict[str, Any]:
        rows = self._query(_LOAN_SELECT + " WHERE l.id = ?", (loan_id,))
        if not rows:
            raise NotFound(f"no loan {loan_id}")
        return rows[0]

    def loans(self, *, member_code: str | None = None, tool_code: str | None = None,
              open_only: bool = True) -> list[dict[str, Any]]:
        sql, args = _LOAN_SELECT + " WHERE l.library = ?", [self.library["slug"]]
        if member_code:
            sql += " AND l.member_code = ?"
            args.append(member_code)
        if tool_code:
            sql += " AND l.tool_code = ?"
            args.append(tool_code)
        if open_only:
            sql += " AND l.closed_by IS NULL"
        return self._query(sql + " ORDER BY l.due, l.opened_hlc", tuple(args))

    def overdue(self, as_of: date | None = None) -> list[dict[str, Any]]:
        """Open loans past their due date, oldest first, with whom to contact."""
        as_of = as_of or self.today()
        rows = self._query(
            """SELECT l.tool_code, t.name AS tool_name, l.member_code, m.name AS member_name,
                      m.email, m.phone, l.due
               FROM loans l LEFT JOIN tools t ON t.library = l.library AND t.code = l.tool_code
               LEFT JOIN members m ON m.library = l.library AND m.code = l.member_code
               WHERE l.closed_by IS NULL AND l.due < ? AND l.library = ?
               ORDER BY l.due, l.opened_hlc""",
            (as_of.isoformat(), self.library["slug"]))
        return [{
            "tool_code": r["tool_code"], "tool_name": r["tool_name"], "member_code": r["member_code"],
            "member_name": r["member_name"], "contact": " / ".join(c for c in (r["phone"], r["email"]) if c),
            "due": r["due"], "days_overdue": rules.days_overdue(r["due"], as_of),
        } for r in rows]


def returned_problem(problem: str, missing_parts: Sequence[str]) -> str:
    """What a ticket opened at a return says is wrong: the borrower's words, else the parts missing."""
    said = [problem] if problem else []
    if missing_parts:
        said.append("Parts missing: " + ", ".join(missing_parts))
    text = "; ".join(said) or "Returned needing repair"
    # a long list of parts is kept whole in the ticket's own field; the summary stays within a problem's length
    return text if len(text) <= PROBLEM_MAX_LENGTH else text[:PROBLEM_MAX_LENGTH - 1] + "…"
