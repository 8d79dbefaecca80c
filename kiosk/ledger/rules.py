"""The library's rules as pure functions, shared by the kiosk and the server.

Nothing here reads a database or a clock: callers pass in the tool, member,
settings and date, and get back a date, a number or the reasons for a no.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Iterable, Mapping

from kiosk.ledger.errors import Refusal
from kiosk.ledger.limits import LOAN_DAYS, SETTING_RANGES

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

DEFAULT_SETTINGS: dict[str, Any] = {
    "name": "",
    "default_loan_days": 7,
    "category_loan_days": {},
    "open_weekdays": ["tue", "thu", "sat"],
    "opening_hours": {"tue": "17:00-20:00", "thu": "17:00-20:00", "sat": "10:00-14:00"},
    "closed_dates": [],
    "loan_limit": 5,
    "max_renewals": 2,
    "renewal_grace_days": 3,
    "retention_days": 90,
    "waiver_version": "1",
    "waiver_text": "I borrow tools at my own risk, will use them safely, and will return them clean and complete.",
    "hold_pickup_days": 7,
    "max_holds": 3,
    "signup": "volunteer",
    "membership_days": 365,
    "renew_online_days": 0,
    "waiver_texts": {
        "en": "I borrow tools at my own risk, will use them safely, and will return them clean and complete.",
        "es": "Tomo prestadas las herramientas bajo mi propia responsabilidad, las usaré con cuidado "
              "y las devolveré limpias y completas.",
    },
}

def loan_days(tool: Mapping[str, Any], settings: Mapping[str, Any]) -> int:
    """The tool's own period, else its category's (or the nearest parent's), else the default."""
    if _in_range(tool.get("loan_days"), LOAN_DAYS):
        return tool["loan_days"]
    by_category = settings.get("category_loan_days") or {}
    parts = [p.strip() for p in (tool.get("category") or "").split(">") if p.strip()]
    while parts:
        days = by_category.get(" > ".join(parts)) if isinstance(by_category, dict) else None
        if _in_range(days, LOAN_DAYS):
            return days
        parts.pop()
    return setting(settings, "default_loan_days")


def setting(settings: Mapping[str, Any], name: str) -> int:
    """A whole-number setting; one out of its range (written before ranges were checked) counts as the default."""
    value = settings.get(name)
    return value if _in_range(value, SETTING_RANGES[name]) else DEFAULT_SETTINGS[name]


def _in_range(value: Any, bounds: tuple[int, int]) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and bounds[0] <= value <= bounds[1]


def is_open(day: date, settings: Mapping[str, Any]) -> bool:
    weekdays = settings.get("open_weekdays") or list(WEEKDAYS)
    return WEEKDAYS[day.weekday()] in weekdays and day.isoformat() not in (settings.get("closed_dates") or [])


def next_open_day(day: date, settings: Mapping[str, Any]) -> date:
    """The day itself when the library is open then, else the next day it is."""
    for _ in range(400):
        if is_open(day, settings):
            return day
        day += timedelta(days=1)
    return day  # no open day configured within a year: keep the date as it is


def due_date(start: date, days: int, settings: Mapping[str, Any]) -> date:
    return next_open_day(start + timedelta(days=days), settings)


def checkout_refusals(
    member: Mapping[str, Any] | None,
    member_code: str,
    tools: Iterable[tuple[str, Mapping[str, Any] | None]],
    open_loan_count: int,
    settings: Mapping[str, Any],
    today: date,
) -> list[Refusal]:
    """Every reason the member cannot take these tools today; empty means yes."""
    refusals = member_refusals(member, member_code, settings, today)
    if member is None:
        return refusals
    tools = list(tools)
    limit = loan_limit(member, settings)
    if open_loan_count + len(tools) > limit:
        refusals.append(Refusal(member_code, "over_limit",
                                f"You may have {limit} tools out at once; you have {open_loan_count} and are taking {len(tools)}. "
                                "Return one first, or leave some here.",
                                {"limit": limit, "out": open_loan_count, "taking": len(tools)}))
    seen: set[str] = set()
    for code, tool in tools:
        refusal = tool_refusal(code, tool) or held_refusal(code, tool, member_code)
        if refusal is None and code in seen:
            refusal = Refusal(code, "duplicate", "This tool is already in your basket.")
        seen.add(code)
        if refusal:
            refusals.append(refusal)
    return refusals


def member_refusals(member: Mapping[str, Any] | None, member_code: str, settings: Mapping[str, Any],
                    today: date) -> list[Refusal]:
    """Why this member may borrow nothing today (checkouts and holds alike); empty means they may."""
    if member is None:
        return [Refusal(member_code, "unknown_member", f"No member has the card {member_code}. A volunteer can register you.")]
    refusals: list[Refusal] = []
    if member.get("status") == "suspended":
        refusals.append(Refusal(member_code, "suspended", "This membership is suspended. Please speak to a coordinator."))
    if member.get("status") == "pending":
        refusals.append(Refusal(member_code, "pending",
                                "Your sign-up is waiting for a volunteer to check it. Please ask at the counter."))
    expires = member.get("expires")
    if expires and expires < today.isoformat():
        refusals.append(Refusal(member_code, "membership_expired",
                                f"Your membership ended on {_long_date(expires)}. A volunteer can renew it.",
                                {"expires": expires}))
    current = settings.get("waiver_version") or DEFAULT_SETTINGS["waiver_version"]
    if member.get("waiver_version") != current:
        refusals.append(Refusal(member_code, "waiver_missing",
                                "You have not signed the current waiver yet. A volunteer can help you sign it.",
                                {"waiver_version": current}))
    return refusals


def borrowing_refusals(member: Mapping[str, Any], member_code: str, open_loan_count: int,
                       settings: Mapping[str, Any], today: date) -> list[Refusal]:
    """Why the member can take no tool at all today, whatever they bring to the counter: their
    membership, the waiver, or as many tools out as they may have. Empty when they may borrow."""
    refusals = member_refusals(member, member_code, settings, today)
    limit = loan_limit(member, settings)
    if open_loan_count >= limit:
        refusals.append(Refusal(member_code, "over_limit",
                                f"You have {open_loan_count} tools out, the most you may have at once. Return one first.",
                                {"limit": limit, "out": open_loan_count, "taking": 0}))
    return refusals


def loan_limit(member: Mapping[str, Any], settings: Mapping[str, Any]) -> int:
    """How many tools the member may have out at once: their own limit, else the library's."""
    own = member.get("loan_limit")
    return own if isinstance(own, int) and own > 0 else setting(settings, "loan_limit")


def tool_refusal(code: str, tool: Mapping[str, Any] | None) -> Refusal | None:
    """Why this tool cannot go out, or None when it can."""
    if tool is None:
        return Refusal(code, "unknown_tool", f"No tool has the code {code}. Please give it to a volunteer.")
    name = tool.get("name") or code
    reasons = {
        "on_loan": ("on_loan", f"{name} is already on loan. Please give it to a volunteer, it may not have been checked in."),
        "in_repair": ("in_repair", f"{name} is waiting for repair and cannot go out."),
        "missing": ("missing", f"{name} is marked missing. Please give it to a volunteer."),
        "retired": ("retired", f"{name} has been retired from lending."),
    }
    if tool.get("status") in reasons:
        reason, message = reasons[tool["status"]]
        return Refusal(code, reason, message)
    return None


def held_refusal(code: str, tool: Mapping[str, Any] | None, member_code: str) -> Refusal | None:
    """A tool kept for someone on its waiting list cannot go out to anyone else."""
    if tool is None or not tool.get("held_for") or tool["held_for"] == member_code:
        return None
    return Refusal(code, "held_for_another", "This is set aside for another member.")


def renewal_refusal(loan: Mapping[str, Any], settings: Mapping[str, Any], today: date,
                    waiting: int = 0) -> Refusal | None:
    """Why this loan cannot be renewed today; ``waiting`` is how many members wait for the tool."""
    code = loan["tool_code"]
    if waiting:
        return Refusal(code, "someone_waiting",
                       "Someone is waiting for this tool, so it cannot be renewed. Please bring it back by the due date.",
                       {"waiting": waiting})
    maximum = setting(settings, "max_renewals")
    if loan["renewals"] >= maximum:
        return Refusal(code, "renewal_limit", f"This loan has been renewed {maximum} times already. Please bring the tool back.",
                       {"max_renewals": maximum})
    grace = setting(settings, "renewal_grace_days")
    if days_overdue(loan["due"], today) > grace:
        return Refusal(code, "too_overdue", f"This tool was due on {_long_date(loan['due'])}. Please bring it back; it cannot be renewed.",
                       {"due": loan["due"], "grace_days": grace})
    return None


def renewed_due(loan: Mapping[str, Any], tool: Mapping[str, Any], settings: Mapping[str, Any], today: date) -> date:
    """A renewal runs a full period from the later of today and the current due date."""
    start = max(today, date.fromisoformat(loan["due"]))
    return due_date(start, loan_days(tool, settings), settings)


def renewal_counts(renewal: tuple[int, str], closed: tuple[int, str] | None) -> bool:
    """Whether a renewal stands: one stamped after the loan's return (a renewal from home while the
    tool came back at an offline kiosk) is void, whichever of the two a replica saw first.
    ``renewal`` and ``closed``: (hlc, device) of the renewal and of the return (None: still out)."""
    return closed is None or renewal < closed


def membership_renewal(member: Mapping[str, Any], settings: Mapping[str, Any], today: date) -> tuple[date | None, str]:
    """The new expiry of a membership renewed online today, or None and why it cannot be."""
    window = int(settings.get("renew_online_days", DEFAULT_SETTINGS["renew_online_days"]))
    days = int(settings.get("membership_days", DEFAULT_SETTINGS["membership_days"]))
    if window <= 0:
        return None, "not_online"
    if member.get("status") in ("suspended", "pending"):
        return None, "not_active"
    expires = date.fromisoformat(member["expires"]) if member.get("expires") else today
    if expires > today + timedelta(days=window):
        return None, "too_early"
    return max(expires, today) + timedelta(days=days), ""


def days_overdue(due: str, as_of: date) -> int:
    return max(0, (as_of - date.fromisoformat(due)).days)


def status_after_return(condition: str) -> str | None:
    """The tool's service status after a check-in in this condition (None: unchanged)."""
    return {"repair": "in_repair", "missing-parts": "in_repair"}.get(condition)


def forget_before(today: date, settings: Mapping[str, Any]) -> date:
    """Returned loans closed before this day forget their borrower."""
    return today - timedelta(days=setting(settings, "retention_days"))


def opening_hours_today(today: date, settings: Mapping[str, Any]) -> str | None:
    if not is_open(today, settings):
        return None
    return (settings.get("opening_hours") or {}).get(WEEKDAYS[today.weekday()])


def _long_date(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.day} {day.strftime('%B')} {day.year}"
