"""Languages of the public pages: English and Spanish, from a cookie the switch sets, else the browser's
Accept-Language. Texts go through gettext; the catalogs' sources are
assets/locale/<lang>/LC_MESSAGES/web.po (English needs no entries: a missing one shows its msgid).

    lang = language(request)
    _ = translator(lang)
    _("Search")            # -> "Buscar" in Spanish
"""

from __future__ import annotations

import gettext
import io
from datetime import date
from functools import lru_cache
from typing import Callable

from fastapi import Request

from kiosk import assets
from kiosk.po import compile_mo, read_po

DOMAIN = "web"
LANGUAGES = {"en": "English", "es": "Español"}
DEFAULT = "en"
COOKIE = "toolkiosk_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
MAX_ACCEPT_LANGUAGE = 500  # longer headers are read only this far
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")

Translate = Callable[[str], str]


@lru_cache(maxsize=None)
def catalog(lang: str) -> gettext.NullTranslations:
    """The language's catalog: the .mo an installed wheel carries, else the .po of a checkout, compiled in memory."""
    folder = assets.path("locale") / lang / "LC_MESSAGES"
    if (folder / f"{DOMAIN}.mo").is_file():
        return gettext.translation(DOMAIN, assets.path("locale"), [lang])
    if (folder / f"{DOMAIN}.po").is_file():
        return gettext.GNUTranslations(io.BytesIO(compile_mo(read_po(folder / f"{DOMAIN}.po"))))
    return gettext.NullTranslations()


def translator(lang: str) -> Translate:
    return catalog(lang if lang in LANGUAGES else DEFAULT).gettext


def language(request: Request) -> str:
    """The visitor's choice (the switch's cookie), else the first language of theirs we speak, else English."""
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return from_accept_language(request.headers.get("accept-language", ""))


def from_accept_language(header: str) -> str:
    """The best of our languages by the header's weights ("es-MX,es;q=0.9,en;q=0.8" -> "es")."""
    best, best_q = DEFAULT, 0.0
    for position, item in enumerate(header[:MAX_ACCEPT_LANGUAGE].split(",")):
        tag, _, params = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                continue
        # earlier wins among equal weights: keep strictly greater only
        if primary in LANGUAGES and 0 < q <= 1 and q > best_q:
            best, best_q = primary, q
    return best


def long_date(day: date | str, lang: str, today: date) -> str:
    """'10 December' / '10 de diciembre'; the year only when it is not this year's."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    _ = translator(lang)
    month = _(MONTHS[day.month - 1])
    text = f"{day.day} de {month.lower()}" if lang == "es" else f"{day.day} {month}"
    if day.year != today.year:
        text += f" de {day.year}" if lang == "es" else f" {day.year}"
    return text
