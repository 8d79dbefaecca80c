"""Settings: the library's opening days and hours, closed dates, loan periods (by category
too), limits and waiver (shared with the other kiosks through sync), and this kiosk's
own: PINs, camera, scanner, idle timeout, default language, on-screen keyboard."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ledger import LedgerError
from kiosk.ledger.rules import WEEKDAYS as DAYS
from kiosk.ui import settings_input as read
from kiosk.ui.i18n import WEEKDAYS, _
from kiosk.ui.keyboard import use as use_keyboard
from kiosk.ui.screens.base import KioskScreen

LOCAL_TEXTS = ("camera", "scanner", "receipt_command", "label_command")


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
    waiver_version = StringProperty("1")
    renew_waiver = BooleanProperty(False)  # everybody accepts the waiver again: its version goes up
    error = StringProperty("")

    def setup(self, **_: Any) -> None:
        settings, service = self.service.ledger.settings, self.service
        self.open_days = set(settings["open_weekdays"])
        self.hours = dict(settings["opening_hours"])
        for name in ("default_loan_days", "loan_limit", "max_renewals", "hold_pickup_days", "max_holds"):
            self.ids[name].text = str(settings[name])
        self.ids.closed_dates.text = ", ".join(settings["closed_dates"])
        self.ids.waiver_text.text = settings["waiver_text"]
        self.waiver_version = settings["waiver_version"]
        self.renew_waiver = False
        for name in (*LOCAL_TEXTS, "idle_timeout"):
            self.ids[name].text = service.local(name)
        self.language = service.local("language")
        self.keyboard = service.local("keyboard")
        self.ids.pin_volunteer.text = ""
        self.ids.pin_coordinator.text = ""
        self.error = ""
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

    def save(self) -> None:
        try:
            library, local, pins = self._read()
        except read.InputError as exc:
            self.error = str(exc)
            self.app.refuse()
            return
        try:
            self.service.ledger.configure(**library)
        except LedgerError as exc:
            self.error = str(exc)
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
        for day in open_days:
            text = read.opening_hours(self.rows[day].hours, _(WEEKDAYS[day]))
            if text:
                hours[day] = text
        library: dict[str, Any] = {
            "open_weekdays": open_days,
            "opening_hours": hours,
            "closed_dates": read.closed_dates(ids.closed_dates.text),
            "default_loan_days": read.whole_number(ids.default_loan_days.text, 1, _("Loan period (days)")),
            "loan_limit": read.whole_number(ids.loan_limit.text, 1, _("Tools at once")),
            "max_renewals": read.whole_number(ids.max_renewals.text, 0, _("Renewals allowed")),
            "hold_pickup_days": read.ranged_setting(ids.hold_pickup_days.text, "hold_pickup_days",
                                                    _("Opening days to pick up a hold")),
            "max_holds": read.ranged_setting(ids.max_holds.text, "max_holds", _("Holds per member")),
        }
        shown = {row.category: row.days for row in ids.categories.children}
        by_category = {c: d for c, d in self.service.ledger.settings["category_loan_days"].items() if c not in shown}
        for category, days in shown.items():
            if days.strip():
                by_category[category] = read.whole_number(days, 1, category)
        library["category_loan_days"] = by_category
        waiver = ids.waiver_text.text.strip()
        if not waiver:
            raise read.InputError(_("The waiver text cannot be empty."))
        library["waiver_text"] = waiver
        library["waiver_version"] = read.next_version(self.waiver_version) if self.renew_waiver else self.waiver_version
        local = {name: ids[name].text.strip() for name in LOCAL_TEXTS}
        local["idle_timeout"] = str(read.whole_number(ids.idle_timeout.text, 10, _("Back to home after (seconds)")))
        local.update(language=self.language, keyboard=self.keyboard)
        pins = {role: ids[f"pin_{role}"].text.strip() for role in ("volunteer", "coordinator")}
        if any(pin and not (pin.isdigit() and 4 <= len(pin) <= 8) for pin in pins.values()):
            raise read.InputError(_("A PIN is 4 to 8 digits."))
        return library, local, pins
