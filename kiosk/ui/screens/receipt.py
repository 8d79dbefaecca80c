"""The receipt after a checkout: what went out and when it is due; home again after a few seconds."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import StringProperty

from kiosk.ui.i18n import _, long_date
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import ToolRow


class ReceiptScreen(KioskScreen):
    title = StringProperty("")
    printed = StringProperty("")

    def setup(self, member: dict[str, Any] | None = None, loans: list[dict[str, Any]] | None = None, **_: Any) -> None:
        self.member = member or {}
        self.loans = loans or []
        lines = [f"{loan.get('tool_name') or loan['tool_code']}  {loan['due']}" for loan in self.loans]
        self.receipt = self.service.print_receipt(self.member, self.loans, [self.member.get("name", ""), *lines])
        self.app.accept()
        Clock.unschedule(self._home)
        Clock.schedule_once(self._home, float(self.service.local("receipt_seconds") or 8))

    def refresh(self) -> None:
        first = (self.member.get("name") or "").split(" ")[0]
        self.title = _("All set, {name}! Please bring these back by:").format(name=first)
        self.printed = _("Your receipt is printing.") if self.service.local("receipt_command") else ""
        box = self.ids.tools
        box.clear_widgets()
        for loan in self.loans:
            tool = self.service.ledger.find_tool(loan["tool_code"])
            box.add_widget(ToolRow(title=loan.get("tool_name") or loan["tool_code"],
                                   detail=long_date(loan["due"]), photo=self.service.photo_path(tool)))

    def _home(self, *_: Any) -> None:
        if self.manager and self.manager.current == self.name:
            self.app.go_home()

    def leave(self) -> None:
        Clock.unschedule(self._home)
        self.ids.tools.clear_widgets()
