"""A returned tool someone waits for: the volunteer is told, big and clear, to put it on the hold shelf."""

from __future__ import annotations

from typing import Any

from kivy.properties import DictProperty, StringProperty

from kiosk.ui.i18n import _, long_date
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.service import Scan


class HoldSlipScreen(KioskScreen):
    hold = DictProperty({})
    instruction = StringProperty("")
    until = StringProperty("")

    def setup(self, hold: dict[str, Any] | None = None, then: dict[str, Any] | None = None, **_params: Any) -> None:
        self.hold = hold or {}
        self.then = dict(then or {})
        if self.hold:
            title = _("For {name}, until {date}").format(name=self.hold["shelf_name"],
                                                          date=long_date(self.hold["ready_until"]))
            self.service.print_hold_slip(self.hold, title)

    def refresh(self) -> None:
        if self.hold:
            text = _("Put this on the hold shelf for {name}.").format(name=self.hold["shelf_name"])
            self.instruction = text[:-1] if text.endswith("..") else text  # "Ana L." ends the sentence itself
            self.until = _("{tool}: they can pick it up until {date}.").format(
                tool=self.hold["tool_name"], date=long_date(self.hold["ready_until"]))

    def done(self) -> None:
        if self.then:
            then = dict(self.then)
            self.app.go(then.pop("name"), **then)
        else:
            self.app.go_home()

    def handle_scan(self, scan: Scan) -> bool:
        return False

    def leave(self) -> None:
        self.hold = {}
