"""Members' consent to reminders, per channel, kept on the server.

The kiosk's member record has no opt-in field, so consent lives here, keyed
by (library, member card); coordinators set it on the members page.
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.server.web.db import WebDB


@dataclass(frozen=True)
class OptIn:
    email: bool = False
    sms: bool = False


def for_library(db: WebDB, library: str) -> dict[str, OptIn]:
    rows = db.query("SELECT member_code, email, sms FROM reminder_optins WHERE library = ?", (library,))
    return {r["member_code"]: OptIn(bool(r["email"]), bool(r["sms"])) for r in rows}


def set_optin(db: WebDB, library: str, member_code: str, optin: OptIn, *, by: str, at: float) -> None:
    db.execute(
        """INSERT OR REPLACE INTO reminder_optins (library, member_code, email, sms, changed_at, changed_by)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (library, member_code, int(optin.email), int(optin.sms), at, by))
