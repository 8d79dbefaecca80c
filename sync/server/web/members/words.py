"""The member pages' words: English in the templates, Spanish from the web pages' gettext catalog
(assets/locale/es/LC_MESSAGES/web.po, shared with the public catalog and the impact report), in the
language the switch chose, else the browser's.
"""

from __future__ import annotations

from datetime import date
from typing import Callable

from sync.server.web.public import i18n

LANGUAGES = tuple(i18n.LANGUAGES)
COOKIE = i18n.COOKIE
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# why a loan cannot be renewed (kiosk.ledger.rules.renewal_refusal's reasons), in the page's words
RENEWAL_REFUSALS = {
    "someone_waiting": "Someone is waiting for this tool, so it cannot be renewed. Please bring it back by the due date.",
    "renewal_limit": "This loan has been renewed {max_renewals} times already. Please bring the tool back.",
    "too_overdue": "This tool was due on {date}. Please bring it back; it cannot be renewed.",
}


def translator(lang: str) -> Callable[..., str]:
    """``t("Due {date}", date=...)``: the text in ``lang``, its {placeholders} filled."""
    translate = i18n.translator(lang)

    def t(text: str, **values: object) -> str:
        chosen = translate(text)
        return chosen.format(**values) if values else chosen
    return t


def long_date(value: date | str | None, lang: str) -> str:
    """'Tuesday 8 December 2026' / 'martes 8 de diciembre de 2026'."""
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    t = translator(lang)
    weekday, month = t(WEEKDAYS[day.weekday()]), t(i18n.MONTHS[day.month - 1])
    if lang == "es":
        return f"{weekday} {day.day} de {month} de {day.year}"
    return f"{weekday} {day.day} {month} {day.year}"


def from_accept_language(header: str | None) -> str:
    return i18n.from_accept_language(header or "")
