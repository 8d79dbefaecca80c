"""Staff sign-in: volunteer or coordinator, each with its own PIN, typed on a keypad."""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.ui.i18n import _
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.service import Scan

MAX_DIGITS = 8


class PinScreen(KioskScreen):
    role = StringProperty("volunteer")
    pin = StringProperty("")
    message = StringProperty("")

    def setup(self, **_: Any) -> None:
        self.pin = ""
        self.message = ""

    def refresh(self) -> None:
        self.message = ""

    def choose(self, role: str) -> None:
        self.role = role
        self.pin = ""

    def press(self, key: str) -> None:
        if key == "back":
            self.pin = self.pin[:-1]
        elif len(self.pin) < MAX_DIGITS:
            self.pin += key
        self.message = ""

    def enter(self) -> None:
        if self.service.check_pin(self.role, self.pin):
            self.app.role = self.role
            self.app.accept()
            self.app.go(self.role)
        else:
            self.pin = ""
            self.app.refuse()
            self.message = _("That PIN is not right. Try again.")

    def handle_scan(self, scan: Scan) -> bool:
        return False

    def leave(self) -> None:
        self.pin = ""
