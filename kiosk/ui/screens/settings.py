"""Settings: the library's opening days and hours, loan periods and limits (shared with
the other kiosks through sync), and this kiosk's own: PINs, camera, scanner, idle
timeout, default language."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ledger import LedgerError
from kiosk.ledger.rules import WEEKDAYS as DAYS
from kiosk.ui.i18n import WEEKDAYS, _
from kiosk.ui.screens.base import KioskScreen

LIBRARY_NUMBERS = ("default_loan_days", "loan_limit", "max_renewals")
LOCAL_TEXTS = ("idle_timeout", "camera", "scanner", "receipt_command", "label_command")


class DayRow(BoxLayout):
    """One weekday: open or closed, and its hours."""

    day = StringProperty("")
    day_name = StringProperty("")
    is_open = BooleanProperty(False)
    hours = StringProperty("")
    open_text = StringProperty("")
    closed_text = StringProperty("")


class SettingsScreen(KioskScreen):
    roles = ("coordinator",)
    language = StringProperty("en")
    keyboard = StringProperty("auto")

    def setup(self, **_: Any) -> None:
        settings, service = self.service.ledger.settings, self.service
        self.open_days = set(settings["open_weekdays"])
        self.hours = dict(settings["opening_hours"])
        for name in LIBRARY_NUMBERS:
            self.ids[name].text = str(settings[name])
        for name in LOCAL_TEXTS:
            self.ids[name].text = service.local(name)
        self.language = service.local("language")
        self.keyboard = service.local("keyboard")
        self.ids.pin_volunteer.text = ""
        self.ids.pin_coordinator.text = ""
        self.rows: dict[str, Any] = {}

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
        open_days = [day for day in DAYS if self.rows[day].is_open]
        hours = {day: self.rows[day].hours.strip() for day in open_days if self.rows[day].hours.strip()}
        numbers = {}
        for name in LIBRARY_NUMBERS:
            text = self.ids[name].text.strip()
            if not text.isdigit():
                self.app.refuse(_("Please enter whole numbers for loan days and limits."))
                return
            numbers[name] = int(text)
        pins = {role: self.ids[f"pin_{role}"].text.strip() for role in ("volunteer", "coordinator")}
        if any(pin and not (pin.isdigit() and 4 <= len(pin) <= 8) for pin in pins.values()):
            self.app.refuse(_("A PIN is 4 to 8 digits."))
            return
        try:
            self.service.ledger.configure(open_weekdays=open_days, opening_hours=hours, **numbers)
        except LedgerError as exc:
            self.app.refuse(str(exc))
            return
        self.service.set_local({**{name: self.ids[name].text.strip() for name in LOCAL_TEXTS},
                                "language": self.language, "keyboard": self.keyboard})
        for role, pin in pins.items():
            if pin:
                self.service.set_pin(role, pin)
        self.app.request_sync()
        self.app.accept(_("Settings saved."))
        self.app.go("coordinator")
