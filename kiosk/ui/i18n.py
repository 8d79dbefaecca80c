"""Every word on screen goes through gettext; the catalogs' sources are assets/locale/<lang>/LC_MESSAGES/kiosk.po.

In .kv files ``tr._("Text")`` is bound like a property: switching the language
re-evaluates every such rule. Widgets created again and again (list rows) set
their text from Python in their screen's ``refresh`` instead, so they leave
no bindings behind.

    from kiosk.ui.i18n import tr, _
    tr.switch("es")
    _("Scan your card or a tool")
"""

from __future__ import annotations

import gettext
import io
from datetime import date
from typing import Any, Callable

from kivy.event import Observable

from kiosk import assets
from kiosk.po import compile_mo, read_po

LOCALE_DIR = assets.path("locale")
DOMAIN = "kiosk"
LANGUAGES = {"en": "English", "es": "Español"}
LOWERCASE_WEEKDAYS = {"es"}  # languages that write "martes", not "Martes", inside a sentence


def load(lang: str) -> gettext.NullTranslations:
    """The language's catalog: the .mo a build compiled, else its .po compiled in memory.

    An installed kiosk has only the .mo (setup.py compiles them into the wheel);
    a checkout, and so an editable install, has only the .po sources, which are
    compiled here at start-up: a translator's edit shows at the next start with
    no build step, and no compiled file is ever kept beside its source.
    """
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    if (folder / f"{DOMAIN}.mo").is_file():
        return gettext.translation(DOMAIN, LOCALE_DIR, [lang])
    if (folder / f"{DOMAIN}.po").is_file():
        return gettext.GNUTranslations(io.BytesIO(compile_mo(read_po(folder / f"{DOMAIN}.po"))))
    return gettext.NullTranslations()


class Translator(Observable):
    """The current language; ``_`` is bindable from kv rules."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = "en"
        self._catalogs: dict[str, gettext.NullTranslations] = {}
        self._observers: list[tuple[Callable, tuple, dict]] = []
        self._listeners: list[Callable[[str], Any]] = []

    def _(self, text: str) -> str:
        return self._catalog(self.lang).gettext(text)

    def _catalog(self, lang: str) -> gettext.NullTranslations:
        if lang not in self._catalogs:
            self._catalogs[lang] = load(lang)
        return self._catalogs[lang]

    def switch(self, lang: str) -> None:
        if lang not in LANGUAGES:
            lang = "en"
        if lang == self.lang:
            return
        self.lang = lang
        alive = []
        for observer in self._observers:
            func, largs, _kwargs = observer
            try:
                func(*largs, None, None)
            except ReferenceError:  # the widget is gone
                continue
            alive.append(observer)
        self._observers = alive
        for listener in list(self._listeners):
            listener(lang)

    def on_switch(self, listener: Callable[[str], Any]) -> None:
        """Calls ``listener(lang)`` after every switch (screens re-render their Python-made text)."""
        self._listeners.append(listener)

    # Kivy's kv binding calls these when a rule reads ``tr._``.
    def fbind(self, name: str, func: Callable, *largs: Any, **kwargs: Any) -> int:
        if name != "_":
            return super().fbind(name, func, *largs, **kwargs)
        self._observers.append((func, largs, kwargs))
        return len(self._observers)

    def funbind(self, name: str, func: Callable, *largs: Any, **kwargs: Any) -> None:
        if name != "_":
            return super().funbind(name, func, *largs, **kwargs)
        self._observers = [o for o in self._observers if not (o[0] == func and o[1] == largs)]

    def unbind_uid(self, name: str, uid: int) -> None:
        if name != "_":
            return super().unbind_uid(name, uid)


tr = Translator()


def _(text: str) -> str:
    return tr._(text)


def N_(text: str) -> str:
    """Marks text for the catalog where it is translated later (tables of messages)."""
    return text


MONTHS = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"), N_("July"),
          N_("August"), N_("September"), N_("October"), N_("November"), N_("December"))
WEEKDAYS = {"mon": N_("Monday"), "tue": N_("Tuesday"), "wed": N_("Wednesday"), "thu": N_("Thursday"),
            "fri": N_("Friday"), "sat": N_("Saturday"), "sun": N_("Sunday")}


def long_date(day: date | str) -> str:
    """'3 March' this year, '3 March 2027' otherwise; Spanish puts 'de' between."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    month = _(MONTHS[day.month - 1])
    if day.year == date.today().year:
        return _("{day} {month}").format(day=day.day, month=month)
    return _("{day} {month} {year}").format(day=day.day, month=month, year=day.year)


def weekday_in_sentence(day: date) -> str:
    """The day's weekday name as written inside a sentence in the current language."""
    name = _(list(WEEKDAYS.values())[day.weekday()])
    return name.lower() if tr.lang in LOWERCASE_WEEKDAYS else name
