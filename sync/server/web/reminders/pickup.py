"""Pickup notices: a member whose hold was set aside is told once, by email or SMS, in their language.

Sent with the library's reminders (each hourly run), to members who agreed to
reminders, through the same channels. Each set-aside of a hold is told once:
the log's unique index holds one notice per hold and set-aside.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from kiosk.ledger import hold_rules
from sync.server.web.reminders import optins
from sync.server.web.reminders.channels import deliver
from sync.server.web.reminders.optins import OptIn
from sync.server.web.reminders.plan import channel_for

if TYPE_CHECKING:
    from sync.server.web.state import WebState

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"),
}
TEXTS = {
    "en": {
        "subject": "{tool} is waiting for you at {library}",
        "body": "Hello {first_name},\n\n{tool} is on the hold shelf for you at {library}. "
                "Please pick it up by {until}; after that it goes to the next person waiting.\n\n"
                "If you no longer need it, tell a volunteer so someone else can have it.\n",
        "sms": "{library}: {tool} is waiting for you. Please pick it up by {until}.",
        "date": "{day} {month}",
    },
    "es": {
        "subject": "{tool} le espera en {library}",
        "body": "Hola {first_name}:\n\n{tool} está apartado para usted en {library}. "
                "Recójalo antes del {until}; después pasará a la siguiente persona en espera.\n\n"
                "Si ya no lo necesita, avise a un voluntario para que otra persona pueda usarlo.\n",
        "sms": "{library}: {tool} le espera. Recójalo antes del {until}.",
        "date": "{day} de {month}",
    },
}


@dataclass
class Notice:
    hold_id: str
    set_aside: str                    # which set-aside of the hold this notice is for
    member_code: str
    channel: str
    recipient: str
    subject: str | None
    body: str


def pending(state: "WebState", library: str, today: date) -> list[Notice]:
    """Holds on the hold shelf whose member agreed to messages and has not been told of this set-aside."""
    view = state.views.get(library)
    told = {(r["hold_id"], r["set_aside"]) for r in state.db.query(
        "SELECT hold_id, set_aside FROM pickup_notices WHERE library = ? AND status != 'failed'", (library,))}
    chosen = optins.for_library(state, library)
    notices = []
    for row in view.query(
            """SELECT h.id, h.member_code, h.ready_until, h.set_aside_hlc, h.set_aside_device, t.name AS tool_name,
                      m.name, m.email, m.phone, m.language FROM holds h
               JOIN members m ON m.library = h.library AND m.code = h.member_code
               LEFT JOIN tools t ON t.library = h.library AND t.code = h.set_aside_tool
               WHERE h.library = ? AND h.status = 'ready' AND h.ready_until >= ?""", (library, today.isoformat())):
        key = f"{row['set_aside_hlc']}:{row['set_aside_device']}"
        channel = channel_for(dict(row), chosen.get(row["member_code"], OptIn()))
        if (row["id"], key) in told or channel is None:
            continue
        subject, body = compose(row, state.library_name(library), channel[0])
        notices.append(Notice(row["id"], key, row["member_code"], *channel, subject, body))
    return notices


def compose(row: Any, library_name: str, channel: str) -> tuple[str | None, str]:
    texts = TEXTS.get(row["language"] or "en", TEXTS["en"])
    until = date.fromisoformat(row["ready_until"])
    language = row["language"] if row["language"] in MONTHS else "en"
    context = {"tool": row["tool_name"] or "Your tool", "library": library_name,
               "first_name": hold_rules.short_name(row["name"]).split(" ")[0],
               "until": texts["date"].format(day=until.day, month=MONTHS[language][until.month - 1])}
    if channel == "sms":
        return None, texts["sms"].format(**context)
    return texts["subject"].format(**context), texts["body"].format(**context)


def send(state: "WebState", library: str, reply_to: str = "") -> tuple[int, int, int]:
    """Sends every pending notice; returns how many were emailed, logged (SMS) and failed."""
    counts = {"sent": 0, "logged": 0, "failed": 0}
    for notice in pending(state, library, state.config.today()):
        try:
            with state.db.transaction() as conn:
                notice_id = conn.execute(
                    """INSERT INTO pickup_notices (library, hold_id, set_aside, member_code, channel, recipient,
                           subject, body, status, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'sending', ?)""",
                    (library, notice.hold_id, notice.set_aside, notice.member_code, notice.channel, notice.recipient,
                     notice.subject, notice.body, state.config.now())).lastrowid
        except sqlite3.IntegrityError:
            continue  # another run told them already
        status, error = deliver(state.email, state.sms, notice.channel, notice.recipient, notice.subject, notice.body,
                                reply_to=reply_to, sender_name=state.library_name(library))
        state.db.execute("UPDATE pickup_notices SET status = ?, error = ?, at = ? WHERE id = ?",
                         (status, error, state.config.now(), notice_id))
        counts[status] += 1
    return counts["sent"], counts["logged"], counts["failed"]
