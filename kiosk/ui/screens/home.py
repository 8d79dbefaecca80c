"""Home: what the counter shows all day. Scan a card or a tool, or type a card number."""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.ui.i18n import _
from kiosk.ui.screens.base import KioskScreen


class HomeScreen(KioskScreen):
    library = StringProperty("")
    hours = StringProperty("")

    def refresh(self) -> None:
        self.library = self.service.ledger.library["name"]
        hours = self.service.hours_today()
        self.hours = _("Open today {hours}").format(hours=hours.replace("-", "–")) if hours else _("Closed today")

    def on_enter(self, *_: Any) -> None:
        self.ids.preview.start(self.app.scans.frame)

    def on_leave(self, *_: Any) -> None:
        self.ids.preview.stop()

    def submit_typed(self) -> None:
        text = self.ids.card.text.strip()
        self.ids.card.text = ""
        self.ids.card.focus = False
        if text:
            self.app.on_scan(text, "typed")
