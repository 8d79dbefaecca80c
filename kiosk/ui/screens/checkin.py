"""A tool on loan scanned with no card: it is returned, with one question about its condition.

The return is written when the question is answered. Leaving without an
answer (another scan, idling) still returns it, as "ok" with a note, since
the tool is back on the counter either way.
"""

from __future__ import annotations

from typing import Any

from kivy.factory import Factory
from kivy.properties import BooleanProperty, DictProperty, ListProperty, StringProperty

from kiosk.ui.i18n import _
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.service import Scan

UNANSWERED_NOTE = "returned without a condition answer"


class CheckinScreen(KioskScreen):
    tool = DictProperty({})
    photo = StringProperty("")
    asking_parts = BooleanProperty(False)  # the kit checklist is showing
    missing = ListProperty([])
    greeting = StringProperty("")
    done = BooleanProperty(False)

    def setup(self, tool: dict[str, Any] | None = None, then: dict[str, Any] | None = None, **_: Any) -> None:
        """``then``: the screen to go back to afterwards (a member's session), as go() arguments with its name."""
        self.tool = tool or {}
        self.then = dict(then or {})
        self.asking_parts = False
        self.missing = []
        self.done = False
        self.app.accept()

    def refresh(self) -> None:
        self.photo = self.service.photo_path(self.tool)
        self.greeting = _("Thank you for bringing back the {name}.").format(name=self.tool.get("name", ""))
        self._fill_kit()

    def _fill_kit(self) -> None:
        box = self.ids.kit
        box.clear_widgets()
        for part in self.tool.get("kit") or []:
            button = Factory.MarkButton(text=part, selected=part in self.missing)
            button.bind(on_release=lambda b, p=part: self.toggle_part(p))
            box.add_widget(button)

    def toggle_part(self, part: str) -> None:
        self.missing = [p for p in self.missing if p != part] if part in self.missing else [*self.missing, part]
        for button in self.ids.kit.children:
            button.selected = button.text in self.missing

    def answer(self, condition: str) -> None:
        if condition == "missing-parts" and self.tool.get("kit") and not self.asking_parts:
            self.asking_parts = True
            return
        hold = self._record(condition, self.missing if condition == "missing-parts" else [])
        self.app.accept(_("Returned. Thank you!"))
        if hold:  # someone waits for it: the hold shelf, not the open shelf
            self.app.go("hold_slip", hold=hold, then=self.then)
        elif self.then:
            self.app.go(self.then.pop("name"), **self.then)
        else:
            self.app.go_home()

    def _record(self, condition: str, missing: list[str], note: str | None = None) -> dict[str, Any] | None:
        """Writes the return; the hold the tool is now set aside for, if any."""
        if self.done or not self.tool:
            return None
        self.done = True
        result = self.service.checkin(self.tool["code"], condition, missing, note)
        self.app.request_sync()
        return result["hold"]

    def handle_scan(self, scan: Scan) -> bool:
        self.leave()
        return False

    def leave(self) -> None:
        if self.tool and not self.done:
            self._record("ok", [], UNANSWERED_NOTE)
        self.tool = {}
