"""A tool that cannot go out now: the borrower joins its waiting list and sees their place in line."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, DictProperty, StringProperty

from kiosk.ledger import Refused
from kiosk.ui.i18n import _, long_date
from kiosk.ui.messages import refusal_text
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.service import Scan


class WaitlistScreen(KioskScreen):
    tool = DictProperty({})
    photo = StringProperty("")
    title = StringProperty("")
    state = StringProperty("")         # why it cannot go out now
    line = StringProperty("")          # how many wait already
    has_copies = BooleanProperty(False)
    any_copy = BooleanProperty(False)

    def setup(self, code: str = "", tool: dict[str, Any] | None = None, then: dict[str, Any] | None = None,
              **_params: Any) -> None:
        """``code``: the member; ``then``: where to go afterwards, as go() arguments with its name."""
        self.code = code
        self.tool = tool or {}
        self.then = dict(then or {"name": "member", "code": code})
        self.any_copy = False

    def refresh(self) -> None:
        if not self.tool:
            return
        tool = self.tool
        self.photo = self.service.photo_path(tool)
        self.title = tool.get("name") or tool["code"]
        due = (tool.get("loan") or {}).get("due")
        self.state = (_("On loan, due back on {date}.").format(date=long_date(due)) if tool["status"] == "on_loan" and due
                      else _("It is set aside for another member.") if tool["status"] == "on_hold_shelf"
                      else _("It is waiting for repair.") if tool["status"] == "in_repair" else "")
        waiting = self.service.waiting_count(tool["code"])
        self.line = (_("No one is waiting for it yet.") if not waiting else _("1 person is waiting for it.") if waiting == 1
                     else _("{count} people are waiting for it.").format(count=waiting))
        self.has_copies = self.service.copy_count(tool) > 1

    def join(self) -> None:
        try:
            hold = self.service.place_hold(self.code, self.tool["code"], self.any_copy)
        except Refused as exc:
            self.app.refuse(" ".join(refusal_text(r, self.tool) for r in exc.refusals))
            return
        self.app.request_sync()
        if hold["status"] == "ready":
            self.app.accept(_("A copy is on the hold shelf for you now. Please ask a volunteer."))
        else:
            self.app.accept(_("You are number {place} in line.").format(place=hold["position"]))
        self.back()

    def back(self) -> None:
        then = dict(self.then)
        self.app.go(then.pop("name"), **then)

    def handle_scan(self, scan: Scan) -> bool:
        return False  # a card or a tool: the app routes it as from home

    def leave(self) -> None:
        self.tool = {}
