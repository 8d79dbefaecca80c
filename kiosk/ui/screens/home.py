"""Home: what the counter shows all day. Borrowing starts with a card, returning with the tool
itself; where to hold them, today's hours, larger text, help and the staff door."""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.ui.i18n import _, long_date, weekday_in_sentence
from kiosk.ui.screens.base import KioskScreen


class HomeScreen(KioskScreen):
    library = StringProperty("")
    hours = StringProperty("")
    where = StringProperty("")

    def refresh(self) -> None:
        self.library = self.service.ledger.library["name"]
        self.hours = self._opening_text()
        self.where = self.service.local("scan_where") or (
            _("Hold the barcode up to the camera: its picture is below.") if self.app.portrait
            else _("Hold the barcode up to the camera: its picture is on the right."))

    def _opening_text(self) -> str:
        """Today's hours, or when the library next opens."""
        service = self.service
        if service.is_open_today():
            hours = service.hours_today()
            return _("Open today {hours}").format(hours=_dash(hours)) if hours else _("Open today")
        following = service.next_opening()
        if following is None:
            return _("Closed today")
        day, hours = following
        when = (_("tomorrow") if (day - service.today()).days == 1
                else _("on {weekday} {date}").format(weekday=weekday_in_sentence(day), date=long_date(day)))
        if hours:
            return _("Closed today. We open again {when}, {hours}.").format(when=when, hours=_dash(hours))
        return _("Closed today. We open again {when}.").format(when=when)

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


def _dash(hours: str) -> str:
    return hours.replace("-", "–")  # 10:00–18:00 reads as a span
