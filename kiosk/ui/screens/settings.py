"""Settings: the library's opening days and hours, closed dates, loan periods (by category
too), limits and waiver (shared with the other kiosks through sync), and this kiosk's
own: PINs, camera, scanner, idle timeout, default language, on-screen keyboard."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.metrics import dp
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ledger import LedgerError
from kiosk.ledger.events import MAX_WAIVER_CHARS
from kiosk.ledger.rules import WEEKDAYS as DAYS
from kiosk.ui import settings_input as read
from kiosk.ui.i18n import WEEKDAYS, _
from kiosk.ui.keyboard import use as use_keyboard
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.service import VOLUME_RANGE

LOCAL_TEXTS = ("camera", "scanner", "receipt_command", "label_command", "help_command", "help_where", "scan_where")
WAIVER_FIELDS = {"en": "waiver_text", "es": "waiver_text_es"}  # a waiver per language the kiosk speaks
PLACES = ("hours", "closed_dates", "loans", "categories", "members", "waiver", "kiosk", "pins")  # where an error shows


class DayRow(BoxLayout):
    """One weekday: open or closed, and its hours."""

    day = StringProperty("")
    day_name = StringProperty("")
    is_open = BooleanProperty(False)
    hours = StringProperty("")
    open_text = StringProperty("")
    closed_text = StringProperty("")


class CategoryRow(BoxLayout):
    """A category and its own loan period in days; empty follows its parent or the default."""

    category = StringProperty("")
    days = StringProperty("")


class SettingsScreen(KioskScreen):
    roles = ("coordinator",)
    language = StringProperty("en")
    keyboard = StringProperty("auto")
    signup = StringProperty("volunteer")   # online sign-ups: volunteer | at_once | off
    waiver_version = StringProperty("1")
    renew_waiver = BooleanProperty(False)  # everybody accepts the waiver again: its version goes up
    error = StringProperty("")

    def setup(self, **_: Any) -> None:
        settings, service = self.service.ledger.settings, self.service
        self.open_days = set(settings["open_weekdays"])
        self.hours = dict(settings["opening_hours"])
        for name in ("default_loan_days", "loan_limit", "max_renewals", "hold_pickup_days", "max_holds",
                     "membership_days", "renew_online_days"):
            self.ids[name].text = str(settings[name])
        self.signup = settings["signup"]
        self.ids.closed_dates.text = ", ".join(settings["closed_dates"])
        for language, field in WAIVER_FIELDS.items():
            text, shown = self.service.waiver(language)
            self.ids[field].text = text if shown == language or language == "en" else ""
        self.waiver_version = settings["waiver_version"]
        self.renew_waiver = False
        for name in (*LOCAL_TEXTS, "idle_timeout", "idle_warning", "volume"):
            self.ids[name].text = service.local(name)
        self.language = service.local("language")
        self.keyboard = service.local("keyboard")
        self.ids.pin_volunteer.text = ""
        self.ids.pin_coordinator.text = ""
        self.show_error("")
        self.rows: dict[str, Any] = {}
        by_category = settings["category_loan_days"]
        box = self.ids.categories
        box.clear_widgets()
        for category in self.service.categories():
            box.add_widget(CategoryRow(category=category, days=str(by_category.get(category) or "")))
        self.ids.scroll.scroll_y = 1

    def refresh(self) -> None:
        for day, row in getattr(self, "rows", {}).items():  # keep what was typed across a language switch
            (self.open_days.add if row.is_open else self.open_days.discard)(day)
            self.hours[day] = row.hours
        box = self.ids.days
        box.clear_widgets()
        for day in DAYS:
            row = DayRow(day=day, day_name=_(WEEKDAYS[day]), is_open=day in self.open_days,
                         hours=self.hours.get(day, ""), open_text=_("Open"), closed_text=_("Closed"))
            box.add_widget(row)
        self.rows = {row.day: row for row in box.children}

    def show_error(self, message: str, place: str = "") -> None:
        """The message under the part of the form it is about, scrolled into view; "" clears them all."""
        for name in PLACES:
            self.ids[f"error_{name}"].text = message if name == place else ""
        self.error = message if message and place not in PLACES else ""
        if place in PLACES:
            shown = self.ids[f"error_{place}"]
            Clock.schedule_once(lambda _dt: self.ids.scroll.scroll_to(shown, padding=dp(90), animate=False), 0)

    def save(self) -> None:
        try:
            library, local, pins = self._read()
        except read.InputError as exc:
            self.show_error(str(exc), exc.place)
            self.app.refuse()
            return
        try:
            self.service.ledger.configure(**library)
        except LedgerError as exc:
            self.show_error(str(exc))
            self.app.refuse()
            return
        if local["keyboard"] != self.service.local("keyboard"):
            use_keyboard(local["keyboard"])
        self.service.set_local(local)
        for role, pin in pins.items():
            if pin:
                self.service.set_pin(role, pin)
        self.app.request_sync()
        self.app.accept(_("Settings saved."))
        self.app.go("coordinator")

    def _read(self) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
        """The library's settings, this kiosk's and the new PINs, as typed; raises InputError."""
        ids = self.ids
        open_days = [day for day in DAYS if self.rows[day].is_open]
        hours = {}
        with read.at("hours"):
            for day in open_days:
                text = read.opening_hours(self.rows[day].hours, _(WEEKDAYS[day]))
                if text:
                    hours[day] = text
        library: dict[str, Any] = {"open_weekdays": open_days, "opening_hours": hours}
        with read.at("closed_dates"):
            library["closed_dates"] = read.closed_dates(ids.closed_dates.text)
        with read.at("loans"):
            library["default_loan_days"] = read.ranged_setting(ids.default_loan_days.text, "default_loan_days",
                                                               _("Loan period (days)"))
            library["loan_limit"] = read.ranged_setting(ids.loan_limit.text, "loan_limit", _("Tools at once"))
            library["max_renewals"] = read.ranged_setting(ids.max_renewals.text, "max_renewals", _("Renewals allowed"))
            library["hold_pickup_days"] = read.ranged_setting(ids.hold_pickup_days.text, "hold_pickup_days",
                                                              _("Opening days to pick up a hold"))
            library["max_holds"] = read.ranged_setting(ids.max_holds.text, "max_holds", _("Holds per member"))
        with read.at("members"):
            library["signup"] = self.signup
            library["membership_days"] = read.ranged_setting(ids.membership_days.text, "membership_days",
                                                             _("A membership lasts (days)"))
            library["renew_online_days"] = read.ranged_setting(
                ids.renew_online_days.text, "renew_online_days",
                _("Renew online this many days before it ends (0: not online)"))
        shown = {row.category: row.days for row in ids.categories.children}
        by_category = {c: d for c, d in self.service.ledger.settings["category_loan_days"].items() if c not in shown}
        with read.at("categories"):
            for category, days in shown.items():
                if days.strip():
                    by_category[category] = read.loan_days(days, category)
        library["category_loan_days"] = by_category
        texts = {language: ids[field].text.strip() for language, field in WAIVER_FIELDS.items()}
        texts = {language: text for language, text in texts.items() if text}
        with read.at("waiver"):
            if not texts:
                raise read.InputError(_("The waiver text cannot be empty."))
            if any(len(text) > MAX_WAIVER_CHARS for text in texts.values()):
                raise read.InputError(_("A waiver is at most {count} characters.").format(count=MAX_WAIVER_CHARS))
        library["waiver_texts"] = texts
        library["waiver_text"] = texts.get("en") or next(iter(texts.values()))  # for kiosks that show one text
        library["waiver_version"] = read.next_version(self.waiver_version) if self.renew_waiver else self.waiver_version
        local = {name: ids[name].text.strip() for name in LOCAL_TEXTS}
        with read.at("kiosk"):
            local["idle_timeout"] = str(read.whole_number(ids.idle_timeout.text, 10, _("Back to home after (seconds)")))
            local["idle_warning"] = str(read.whole_number(ids.idle_warning.text, 5,
                                                          _("“Still there?” counts down (seconds)")))
            least, most = VOLUME_RANGE
            local["volume"] = str(read.whole_number(ids.volume.text, least, _("Sound volume (0 to 100)"), most=most))
        local.update(language=self.language, keyboard=self.keyboard)
        pins = {role: ids[f"pin_{role}"].text.strip() for role in ("volunteer", "coordinator")}
        if any(pin and not (pin.isdigit() and 4 <= len(pin) <= 8) for pin in pins.values()):
            with read.at("pins"):
                raise read.InputError(_("A PIN is 4 to 8 digits."))
        return library, local, pins
