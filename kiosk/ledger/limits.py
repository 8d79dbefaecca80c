"""The limits of every value that enters a library: defined once, checked by the kiosk and the server alike.

The ledger checks them before it writes an event, the sync protocol before the
server stores one, and every form, command and import before it hands a value
on; so a value the kiosk accepts is one the server accepts too, and no number
can grow large enough to break date arithmetic later. Only ``errors`` is
imported here: anything may use these limits.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any, Mapping

from kiosk.ledger.errors import InvalidInput

CODE_MAX = 64                 # a tool's or member's code: our labels are ~20, makers' codes at most 14
ID_MAX = 64                   # event, loan, hold and device ids
MAX_EVENT_BYTES = 16 << 10    # one event's payload as compact JSON: the server refuses anything larger
LOAN_DAYS = (1, 365)          # one loan period, wherever it is set: a tool's, a category's, the default, --loan-days
INVITE_DAYS = (1, 90)         # how long a kiosk's enrollment code stays valid
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2199, 12, 31)   # any date a library writes down

# Whole-number settings and the values they may take.
SETTING_RANGES: dict[str, tuple[int, int]] = {
    "default_loan_days": LOAN_DAYS,
    "loan_limit": (1, 1000),
    "max_renewals": (0, 50),
    "renewal_grace_days": (0, 365),
    "retention_days": (0, 3650),
    "hold_pickup_days": (1, 60),
    "max_holds": (0, 50),
    "membership_days": (1, 3660),
    "renew_online_days": (0, 366),
}
SIGNUP_MODES = ("off", "volunteer", "at_once")   # online sign-ups: none, activated at the counter, or at once
CATEGORIES_MAX = 500          # categories with their own loan period
CLOSED_DATES_MAX = 1000

# The longest text each field may hold, in characters. Together a tool's or member's fields stay
# well under MAX_EVENT_BYTES; ``check_payload_size`` catches what many long non-ASCII texts add up to.
TEXT_MAX: dict[str, dict[str, int]] = {
    "tool": {"name": 200, "maker_code": CODE_MAX, "category": 200, "brand": 100, "model": 100, "serial": 100,
             "description": 2000, "condition": 200, "status": 20, "shelf": 100, "photo": 300, "notes": 2000,
             "keywords": 500, "copy_group": CODE_MAX},
    "member": {"name": 200, "email": 254, "phone": 40, "expires": 10, "waiver_version": 40,
               "waiver_accepted_at": 40, "status": 20, "notes": 2000, "language": 10, "waiver_language": 10},
    "settings": {"name": 200, "waiver_version": 40},
}
KIT_PARTS_MAX, KIT_PART_MAX = 50, 200
NOTE_MAX = 2000               # a free text an event carries: a return's note, how a conflict was settled
REPLACEMENT_VALUE_MAX = 1_000_000
MEMBER_LOAN_LIMIT = (0, 1000)

# An address as mail servers take it: one @, no spaces or line breaks, a dotted domain (letters of any script).
EMAIL = re.compile(r"^[^@\s<>,;:\"()\[\]\\]+@(?:[\w-]+\.)+[\w-]{2,}\Z")
# A phone number as people write it: digits with spaces, dashes, dots, brackets, a leading +, an extension.
PHONE = re.compile(r"^\+?[0-9 ()./-]{3,30}(?:\s*(?:x|ext\.?)\s*[0-9]{1,6})?\Z", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check_code(code: str, what: str = "a code") -> str:
    """A tool's or member's code: 1 to CODE_MAX characters on one line."""
    if not isinstance(code, str) or not code or len(code) > CODE_MAX or _CONTROL.search(code):
        raise InvalidInput(f"{what} must be 1 to {CODE_MAX} characters on one line")
    return code


def check_note(value: Any, what: str) -> None:
    """None, or a note of at most NOTE_MAX characters."""
    if value is not None and (not isinstance(value, str) or len(value) > NOTE_MAX):
        raise InvalidInput(f"{what} is at most {NOTE_MAX} characters")


def check_number(name: str, value: Any, least: int, most: int) -> None:
    """A whole number from ``least`` to ``most``; None (not set) is fine."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most):
        raise InvalidInput(f"{name} must be a whole number from {least} to {most}, not {_short(value)}")


def check_loan_days(value: Any, name: str = "a loan period") -> None:
    check_number(name, value, *LOAN_DAYS)


def check_email(value: Any) -> None:
    """None, or one email address (a line break in it would break every mail sent to it)."""
    if not _blank(value) and (not isinstance(value, str) or len(value) > TEXT_MAX["member"]["email"]
                              or not EMAIL.match(value)):
        raise InvalidInput(f"{_short(value)} is not an email address; write it like name@example.org")


def check_phone(value: Any) -> None:
    if not _blank(value) and (not isinstance(value, str) or not PHONE.match(value)):
        raise InvalidInput(f"{_short(value)} is not a phone number; use digits, spaces, dashes and a leading +")


def check_date(value: Any, name: str) -> date:
    """A date written YYYY-MM-DD, between EARLIEST_DATE and LATEST_DATE."""
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} must be a date like 2027-03-31, not {_short(value)}") from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise InvalidInput(f"{name} must be between {EARLIEST_DATE} and {LATEST_DATE}, not {value}")
    return day


def check_values(fields: Mapping[str, Any], what: str) -> None:
    """The ranges of a tool's, member's or the settings' fields (their kinds are checked before)."""
    for name, most in TEXT_MAX.get(what, {}).items():
        value = fields.get(name)
        if isinstance(value, str) and len(value) > most:
            raise InvalidInput(f"the {what}'s {name.replace('_', ' ')} is at most {most} characters, "
                               f"not {len(value)}")
    if what == "tool":
        _check_tool(fields)
    elif what == "member":
        check_email(fields.get("email"))
        check_phone(fields.get("phone"))
        check_number("a member's loan limit", fields.get("loan_limit"), *MEMBER_LOAN_LIMIT)
        if fields.get("expires"):
            check_date(fields["expires"], "expiry")
    elif what == "settings":
        _check_settings(fields)


def _check_tool(fields: Mapping[str, Any]) -> None:
    check_loan_days(fields.get("loan_days"), "a tool's loan period")
    value = fields.get("replacement_value")
    if value is not None and not (math.isfinite(value) and 0 <= value <= REPLACEMENT_VALUE_MAX):
        raise InvalidInput(f"a replacement value must be from 0 to {REPLACEMENT_VALUE_MAX}")
    kit = fields.get("kit")
    if kit is not None and (len(kit) > KIT_PARTS_MAX or not all(
            isinstance(part, str) and 0 < len(part) <= KIT_PART_MAX for part in kit)):
        raise InvalidInput(f"a kit is at most {KIT_PARTS_MAX} parts, each 1 to {KIT_PART_MAX} characters")


def _check_settings(fields: Mapping[str, Any]) -> None:
    if fields.get("signup") is not None and fields["signup"] not in SIGNUP_MODES:
        raise InvalidInput(f"signup must be one of {', '.join(SIGNUP_MODES)}, not {_short(fields['signup'])}")
    for name, (least, most) in SETTING_RANGES.items():
        check_number(name, fields.get(name), least, most)
    by_category = fields.get("category_loan_days")
    if by_category is not None:
        if len(by_category) > CATEGORIES_MAX:
            raise InvalidInput(f"at most {CATEGORIES_MAX} categories can have their own loan period")
        for category, days in by_category.items():
            if not isinstance(category, str) or not 0 < len(category) <= TEXT_MAX["tool"]["category"]:
                raise InvalidInput("a category with its own loan period needs a name of at most "
                                   f"{TEXT_MAX['tool']['category']} characters")
            check_loan_days(days, f"the loan period of {category[:60]!r}")
    closed = fields.get("closed_dates")
    if closed is not None:
        if len(closed) > CLOSED_DATES_MAX:
            raise InvalidInput(f"at most {CLOSED_DATES_MAX} closed dates")
        for day in closed:
            check_date(day, "a closed date")
    hours = fields.get("opening_hours")
    if hours is not None and not all(isinstance(v, str) and len(v) <= 40 for v in hours.values()):
        raise InvalidInput("opening hours are written like 10:00-18:00")


def check_payload_size(text: str) -> None:
    """An event's payload, as compact JSON, within what the server stores."""
    if len(text.encode()) > MAX_EVENT_BYTES:
        raise InvalidInput(f"this is too much to store at once (over {MAX_EVENT_BYTES // 1024} KB); "
                           "shorten the longest texts")


def _blank(value: Any) -> bool:
    """No value: None, or text the ledger stores as none (it trims every text)."""
    return value is None or isinstance(value, str) and not value.strip()


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
