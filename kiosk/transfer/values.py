"""Reading the values other systems write: amounts, loan lengths, dates, categories, statuses.

Every parser takes a cell's text (never blank: blank cells mean "no value" and
are handled before) and returns the value the ledger stores, or raises
RowProblem with a message a volunteer can act on.
"""

from __future__ import annotations

import math
import re
from datetime import datetime

from kiosk.ledger.events import MEMBER_LANGUAGES, MEMBER_STATUSES, TOOL_STATUSES
from kiosk.ledger.limits import LOAN_DAYS

ON_LOAN = "on_loan"  # what a tool out on loan shows; no status an import sets, as loans are not imported


class RowProblem(ValueError):
    """A value that cannot be imported, in words for the person fixing the file."""


def money(text: str) -> float:
    """'$1,234.50', '£45', '45,00', '120' -> a non-negative amount."""
    try:
        value = float(text)  # plain numbers, our own export included
    except ValueError:
        value = _amount_with_symbols(text)
    if not math.isfinite(value) or value < 0:
        raise RowProblem(f"{text!r} is not an amount of money")
    return value


_CURRENCY = r"(?:[A-Z]{0,3}[$£€¥]|[A-Z]{3})?"
_AMOUNT = re.compile(rf"{_CURRENCY}\s*([\d.,]+)\s*{_CURRENCY}")


def _amount_with_symbols(text: str) -> float:
    match = _AMOUNT.fullmatch(text.strip())
    number = match.group(1) if match else ""
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", number):         # 1,234.50
        number = number.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})*,\d{1,2}", number):       # 1.234,50 and 45,00
        number = number.replace(".", "").replace(",", ".")
    elif not re.fullmatch(r"\d+(\.\d+)?", number):
        raise RowProblem(f"{text!r} is not an amount of money")
    return float(number)


_LOAN_LENGTH = re.compile(r"(\d+(?:\.0+)?)\s*(d|days?|w|wks?|weeks?)?", re.IGNORECASE)


def loan_days(text: str) -> int:
    """'14', '7 days', '1 week', '2 wks' -> whole days."""
    match = _LOAN_LENGTH.fullmatch(text.strip())
    if match is None:
        raise RowProblem(f"{text!r} is not a loan length; write it in days or weeks, like '7 days' or '2 weeks'")
    number = int(float(match.group(1)))
    unit = (match.group(2) or "d").lower()
    days = number * 7 if unit.startswith("w") else number
    least, most = LOAN_DAYS
    if not least <= days <= most:
        raise RowProblem(f"{text!r} is not a loan length this library can lend for; give {least} to {most} days")
    return days


def whole_number(text: str) -> int:
    if not re.fullmatch(r"\d+(\.0+)?", text):
        raise RowProblem(f"{text!r} is not a whole number")
    return int(float(text))


_TIME_OF_DAY = re.compile(r"[ T]\d{1,2}:\d{2}.*$")
_NAMED_MONTH_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%d-%b-%y", "%b %d %Y",
                        "%B %d %Y")
_MONTH_FIRST = ("%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y")
_DAY_FIRST = ("%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y")


def iso_date(text: str, *, day_first: bool) -> str:
    """A date in any common spelling -> 'YYYY-MM-DD'. For 03/04/2027, ``day_first``
    says how the system that wrote the file orders day and month."""
    bare = _TIME_OF_DAY.sub("", text.strip())
    numeric = _DAY_FIRST + _MONTH_FIRST if day_first else _MONTH_FIRST + _DAY_FIRST
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", *numeric, *_NAMED_MONTH_FORMATS):
        try:
            return datetime.strptime(bare, fmt).date().isoformat()
        except ValueError:
            continue
    raise RowProblem(f"{text!r} is not a date this import can read; write it like 2027-03-31")


def category_paths(text: str, *, between: str, within: str | None = None) -> list[str]:
    """Category paths as ' > ' paths, in the file's order, without repeats.
    ``between`` separates categories, ``within`` the levels of one (both regular expressions)."""
    paths: list[str] = []
    for category in re.split(between, text):
        levels = [level.strip() for level in (re.split(within, category) if within else [category]) if level.strip()]
        path = " > ".join(levels)
        if path and path not in paths:
            paths.append(path)
    return paths


def keywords(*parts: str | None) -> str | None:
    """Comma-separated keywords merged, without repeats (ignoring case)."""
    seen: dict[str, str] = {}
    for part in parts:
        for word in (part or "").split(","):
            word = word.strip()
            if word and word.lower() not in seen:
                seen[word.lower()] = word
    return ", ".join(seen.values()) or None


def kit_parts(text: str) -> list[str]:
    """One part per line (or <br>); a single line is split at commas and semicolons."""
    lines = [line.strip() for line in re.split(r"\r\n|\r|\n|<br\s*/?>", text, flags=re.IGNORECASE)]
    lines = [line for line in lines if line]
    if len(lines) == 1:
        lines = [part.strip() for part in re.split(r"[;,]", lines[0]) if part.strip()]
    return lines


def lines(text: str) -> list[str]:
    """One item per line: how kits are written in our own export."""
    return [line.strip() for line in text.split("\n") if line.strip()]


def html_breaks(text: str) -> str:
    return re.sub(r"<br\s*/?>", "\n", text, flags=re.IGNORECASE)


# What each system calls a state of a tool, by our status (compared as status_word gives them).
_TOOL_STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "available": ("available", "in", "checked in", "in stock", "on shelf", "active", "ready", "reserved",
                  "on hold", "circulating", "lendable"),
    ON_LOAN: ("on loan", "checked out", "out", "loaned", "overdue", "borrowed", "lent"),
    "in_repair": ("in repair", "repair", "needs repair", "being repaired", "maintenance", "in maintenance",
                  "damaged", "broken", "quarantine", "quarantined", "cleaning"),
    "missing": ("missing", "lost", "stolen", "not returned"),
    "retired": ("retired", "withdrawn", "disposed", "deaccessioned", "discarded", "sold", "archived",
                "inactive", "not circulating", "deleted"),
}
_TOOL_STATUS = {word: status for status, words in _TOOL_STATUS_WORDS.items() for word in words}
# When a tool has several statuses, the one that keeps it off the shelf wins.
_TOOL_STATUS_RANK = ("missing", "retired", "in_repair", ON_LOAN, "available")

_MEMBER_STATUS_WORDS: dict[str, tuple[str, ...]] = {
    # an expired membership is still an active member: the expiry date says the rest
    "active": ("active", "current", "verified", "approved", "enabled", "member", "expired", "lapsed"),
    "suspended": ("suspended", "blocked", "banned", "inactive", "deactivated", "disabled", "on hold"),
}
_MEMBER_STATUS = {word: status for status, words in _MEMBER_STATUS_WORDS.items() for word in words}


def status_word(text: str) -> str:
    """A status as compared: lowercase, with '_' and '-' read as spaces."""
    return " ".join(text.lower().replace("_", " ").replace("-", " ").split())


def tool_status(text: str) -> tuple[str, bool]:
    """A system's status (or several, comma-separated) -> (our status, whether it was on loan).
    On loan there becomes available here: loans are not imported."""
    found = []
    for part in re.split(r"[,;|]", text):
        if not part.strip():
            continue
        word = status_word(part)
        if word not in _TOOL_STATUS:
            raise RowProblem(f"{part.strip()!r} is not a status this import knows; "
                             f"use one of {', '.join(TOOL_STATUSES)}")
        found.append(_TOOL_STATUS[word])
    status = min(found, key=_TOOL_STATUS_RANK.index, default="available")
    return ("available" if status == ON_LOAN else status), ON_LOAN in found


def member_status(text: str) -> str:
    word = status_word(text)
    if word not in _MEMBER_STATUS:
        raise RowProblem(f"{text!r} is not a member status this import knows; use one of {', '.join(MEMBER_STATUSES)}")
    return _MEMBER_STATUS[word]



# What other systems write for the languages the kiosk speaks
_LANGUAGE_WORDS = {"en": "en", "eng": "en", "english": "en", "ingles": "en", "inglés": "en",
                   "es": "es", "spa": "es", "spanish": "es", "espanol": "es", "español": "es", "castellano": "es"}


def language(text: str) -> str:
    """A member's language as a code the kiosk speaks: 'Spanish', 'es-MX' and 'Español' are es."""
    code = _LANGUAGE_WORDS.get(status_word(text).partition(" ")[0])  # "es mx": the language, not the country
    if code not in MEMBER_LANGUAGES:
        raise RowProblem(f"{text!r} is not a language the kiosk speaks; use one of {', '.join(MEMBER_LANGUAGES)}")
    return code
