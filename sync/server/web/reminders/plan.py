"""Who gets a reminder today, and about which loans.

A loan is reminded of once while due soon (again if a renewal moves its due
date), and every few days while overdue. A member gets at most one message
a day, about all their loans that are due for a reminder, by email when they
opted in to email and have an address, else by SMS when they opted in to
that and have a phone number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sync.server.web import queries
from sync.server.web.db import WebDB
from sync.server.web.reminders.optins import OptIn
from sync.server.web.views import LibraryView


@dataclass
class Planned:
    member_code: str
    member_name: str
    channel: str                      # email | sms
    recipient: str
    overdue: list[dict[str, Any]] = field(default_factory=list)
    due_soon: list[dict[str, Any]] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return "overdue" if self.overdue else "due_soon"


def plan(view: LibraryView, db: WebDB, settings: dict[str, Any], optins: dict[str, OptIn], today: date) -> list[Planned]:
    day = today.isoformat()
    messaged_today = {r["member_code"] for r in db.query(
        "SELECT member_code FROM reminder_log WHERE library = ? AND day = ? AND status != 'failed'",
        (view.library, day))}
    reminded = _last_reminders(db, view.library)
    every = timedelta(days=settings["overdue_every_days"])
    by_member: dict[str, Planned] = {}

    def planned_for(loan: dict[str, Any]) -> Planned | None:
        code = loan["member_code"]
        if not code or code in messaged_today:
            return None
        if code not in by_member:
            channel = channel_for(loan, optins.get(code, OptIn()))
            if channel is None:
                return None
            by_member[code] = Planned(code, loan["member_name"] or code, *channel)
        return by_member.get(code)

    for loan in queries.overdue(view, today):
        last = reminded.get((loan["id"], "overdue", loan["due"]))
        if last is None or date.fromisoformat(last) + every <= today:
            target = planned_for(loan)
            if target:
                target.overdue.append(_loan_fields(loan))
    for loan in queries.due_soon(view, today, settings["due_soon_days"]):
        if (loan["id"], "due_soon", loan["due"]) not in reminded:
            target = planned_for(loan)
            if target:
                target.due_soon.append(_loan_fields(loan))
    return [p for p in by_member.values() if p.overdue or p.due_soon]


def channel_for(loan: dict[str, Any], optin: OptIn) -> tuple[str, str] | None:
    """Email when they agreed to it and have an address, else SMS likewise, else none."""
    if optin.email and loan.get("email"):
        return "email", loan["email"]
    if optin.sms and loan.get("phone"):
        return "sms", loan["phone"]
    return None


def _last_reminders(db: WebDB, library: str) -> dict[tuple[str, str, str], str]:
    """(loan, kind, due date) -> the last day a message about it went out."""
    rows = db.query(
        """SELECT i.loan_id, i.kind, i.due, max(i.day) AS day FROM reminder_items i
           JOIN reminder_log m ON m.id = i.message_id
           WHERE m.library = ? AND m.status != 'failed' GROUP BY i.loan_id, i.kind, i.due""",
        (library,))
    return {(r["loan_id"], r["kind"], r["due"]): r["day"] for r in rows}


def _loan_fields(loan: dict[str, Any]) -> dict[str, Any]:
    return {"loan_id": loan["id"], "tool_code": loan["tool_code"], "tool_name": loan["tool_name"] or loan["tool_code"],
            "due": loan["due"], "days_overdue": loan.get("days_overdue", 0)}
