"""The receipt after a checkout: what went out, which copy, its kit and when it is due back;
then home (or the next member's session) after a few seconds."""

from __future__ import annotations

from typing import Any, Callable

from kivy.clock import Clock
from kivy.properties import StringProperty

from kiosk.ui.i18n import _, long_day
from kiosk.ui.messages import copy_text, kit_text
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import ToolRow


class ReceiptScreen(KioskScreen):
    title = StringProperty("")
    printed = StringProperty("")

    def setup(self, member: dict[str, Any] | None = None, loans: list[dict[str, Any]] | None = None,
              then: Callable[[], Any] | None = None, **_: Any) -> None:
        """``then``: where to go when the receipt has been read; home when None."""
        self.member = member or {}
        self.loans = loans or []
        self.then = then
        self.tools = {loan["tool_code"]: self.service.ledger.find_tool(loan["tool_code"]) for loan in self.loans}
        lines = [self.member.get("name", "")]
        for loan in self.loans:
            tool = self.tools[loan["tool_code"]]
            lines += [f"{loan.get('tool_name') or loan['tool_code']} ({copy_text(tool)})", "  " + self._due(loan)]
            lines += ["  " + kit_text(tool)] if kit_text(tool) else []
        self.receipt = self.service.print_receipt(self.member, self.loans, lines)
        self.app.accept()
        Clock.unschedule(self.done)
        Clock.schedule_once(self.done, float(self.service.local("receipt_seconds") or 8))

    def refresh(self) -> None:
        first = (self.member.get("name") or "").split(" ")[0]
        self.title = _("All set, {name}! You are taking:").format(name=first)
        self.printed = _("Your receipt is printing.") if self.service.local("receipt_command") else ""
        box = self.ids.tools
        box.clear_widgets()
        for loan in self.loans:
            tool = self.tools.get(loan["tool_code"])
            subtitle = "\n".join(x for x in (copy_text(tool), kit_text(tool)) if x)
            row = ToolRow(title=loan.get("tool_name") or loan["tool_code"], detail=self._due(loan), subtitle=subtitle,
                          mark="yes", photo=self.service.photo_path(tool))
            row.with_photo = bool(row.photo)
            box.add_widget(row)

    @staticmethod
    def _due(loan: dict[str, Any]) -> str:
        return _("Bring it back by {date}").format(date=long_day(loan["due"]))

    def done(self, *_: Any) -> None:
        if self.manager and self.manager.current == self.name:
            then, self.then = self.then, None
            then() if then is not None else self.app.go_home()

    def leave(self) -> None:
        Clock.unschedule(self.done)
        self.ids.tools.clear_widgets()
