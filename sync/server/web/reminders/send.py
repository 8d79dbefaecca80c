"""Sending the day's reminders for a library, and the log of every message.

A message is first claimed in the log (the unique index allows one per
member per day), then handed to its channel, then marked sent, logged or
failed. A run cut off in between leaves a 'sending' row, which blocks a
second message that day rather than risking a duplicate.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from jinja2 import TemplateError

from sync.server.web.reminders import optins, pickup, settings as reminder_settings
from sync.server.web.reminders.channels import deliver
from sync.server.web.reminders.plan import Planned, plan

if TYPE_CHECKING:
    from sync.server.web.state import WebState


@dataclass
class Composed:
    planned: Planned
    subject: str | None
    body: str
    error: str | None = None                           # a template that would not render


@dataclass
class Outcome:
    library: str
    sent: int = 0
    logged: int = 0
    failed: int = 0
    skipped: int = 0
    waiting: str = ""                                  # why nothing was sent yet, if so

    def summary(self) -> str:
        if self.waiting:
            return f"{self.library}: {self.waiting}"
        return (f"{self.library}: {self.sent} emailed, {self.logged} SMS logged, {self.failed} failed"
                + (f", {self.skipped} already sent today" if self.skipped else ""))


def compose(planned: Planned, settings: dict[str, Any], library_name: str) -> Composed:
    context = {"library": library_name, "member_name": planned.member_name,
               "first_name": planned.member_name.split(" ")[0], "overdue": planned.overdue, "due_soon": planned.due_soon}
    render = reminder_settings.render

    def text(field: str) -> str:  # in the member's language when the library has texts in it
        return settings[reminder_settings.field_in(field, planned.language)]

    if planned.channel == "sms":
        return Composed(planned, None, render(text(f"sms_{planned.kind}"), context).strip())
    return Composed(planned, render(text(f"{planned.kind}_subject"), context).strip(),
                    render(text(f"{planned.kind}_body"), context))


def preview(state: "WebState", library: str) -> list[Composed]:
    """What a run would send today, ignoring the hour; nothing is logged or sent."""
    settings = reminder_settings.load(state.db, library)
    return [_compose_or_error(p, settings, state.library_name(library)) for p in _plan(state, library, settings)]


def send(state: "WebState", library: str, *, force: bool = False) -> Outcome:
    """Sends what is due today; before the library's hour (or when switched off) only when forced."""
    settings = reminder_settings.load(state.db, library)
    outcome = Outcome(library)
    if not force:
        if not settings["enabled"]:
            outcome.waiting = "reminders are switched off"
            return outcome
        hour = datetime.fromtimestamp(state.config.now()).hour
        if hour < settings["send_hour"]:
            outcome.waiting = f"waiting for {settings['send_hour']:02d}:00"
            return outcome
    today = state.config.today()
    emailed, logged, failed = pickup.send(state, library, settings["reply_to"])
    outcome.sent, outcome.logged, outcome.failed = emailed, logged, failed
    for planned in _plan(state, library, settings):
        composed = _compose_or_error(planned, settings, state.library_name(library))
        message_id = _claim(state, library, composed, today)
        if message_id is None:
            outcome.skipped += 1
            continue
        status, error = _deliver(state, composed, settings, library)
        state.db.execute("UPDATE reminder_log SET status = ?, error = ?, at = ? WHERE id = ?",
                         (status, error, state.config.now(), message_id))
        if status == "sent":
            outcome.sent += 1
        elif status == "logged":
            outcome.logged += 1
        else:
            outcome.failed += 1
    return outcome


def log(state: "WebState", library: str, limit: int = 200) -> list[dict[str, Any]]:
    rows = state.db.query("SELECT * FROM reminder_log WHERE library = ? ORDER BY at DESC, id DESC LIMIT ?",
                          (library, limit))
    return [dict(r) for r in rows]


def _plan(state: "WebState", library: str, settings: dict[str, Any]) -> list[Planned]:
    view = state.views.get(library)
    return plan(view, state.db, settings, optins.for_library(state, library), state.config.today())


def _compose_or_error(planned: Planned, settings: dict[str, Any], library_name: str) -> Composed:
    try:
        return compose(planned, settings, library_name)
    except TemplateError as exc:  # checked when saved; kept from stopping the other members' messages
        return Composed(planned, None, "", error=f"template error: {exc}")


def _claim(state: "WebState", library: str, composed: Composed, today: date) -> int | None:
    """The log row for this message, or None when the member already has one today."""
    p = composed.planned
    try:
        with state.db.transaction() as conn:
            message_id = conn.execute(
                """INSERT INTO reminder_log (library, member_code, day, kind, channel, recipient, subject, body,
                       status, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'sending', ?)""",
                (library, p.member_code, today.isoformat(), p.kind, p.channel, p.recipient, composed.subject,
                 composed.body, state.config.now())).lastrowid
            for kind, loans in (("overdue", p.overdue), ("due_soon", p.due_soon)):
                for loan in loans:
                    conn.execute("INSERT INTO reminder_items (message_id, loan_id, kind, due, day) VALUES (?, ?, ?, ?, ?)",
                                 (message_id, loan["loan_id"], kind, loan["due"], today.isoformat()))
        return message_id
    except sqlite3.IntegrityError:
        return None


def _deliver(state: "WebState", composed: Composed, settings: dict[str, Any], library: str) -> tuple[str, str | None]:
    p = composed.planned
    if composed.error:
        return "failed", composed.error
    return deliver(state.email, state.sms, p.channel, p.recipient, composed.subject, composed.body,
                   reply_to=settings["reply_to"], sender_name=state.library_name(library))
