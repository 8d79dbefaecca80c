"""Members' consent to reminders, per channel, read from the member record in the ledger.

The choice lives on the member (``reminders_email``, ``reminders_sms``), so kiosks, the
coordinators' pages and the member's own page agree. Consent recorded on the server before
the record had these fields (the ``reminder_optins`` table) still counts until the member or a
coordinator chooses again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sync.server.web.state import WebState


@dataclass(frozen=True)
class OptIn:
    email: bool = False
    sms: bool = False


def for_library(state: "WebState", library: str) -> dict[str, OptIn]:
    legacy = {r["member_code"]: OptIn(bool(r["email"]), bool(r["sms"])) for r in state.db.query(
        "SELECT member_code, email, sms FROM reminder_optins WHERE library = ?", (library,))}
    chosen = {}
    for row in state.views.get(library).query(
            "SELECT code, reminders_email, reminders_sms FROM members WHERE library = ? AND name IS NOT NULL",
            (library,)):
        old = legacy.get(row["code"], OptIn())
        chosen[row["code"]] = OptIn(
            old.email if row["reminders_email"] is None else bool(row["reminders_email"]),
            old.sms if row["reminders_sms"] is None else bool(row["reminders_sms"]))
    return chosen


def set_optin(state: "WebState", library: str, member_code: str, optin: OptIn) -> None:
    """Writes the choice on the member record, as an event the library's kiosks receive."""
    state.source.append_event(library, "member.edited", f"member:{member_code}", {
        "code": member_code, "fields": {"reminders_email": int(optin.email), "reminders_sms": int(optin.sms)}})
    state.views.get(library)  # brings the view up to date with it
