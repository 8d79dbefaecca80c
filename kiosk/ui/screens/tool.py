"""A tool scanned with no card: which copy it is, where it lives, what comes with it, and
whether it can go out."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, DictProperty, StringProperty

from kiosk.ledger.rules import tool_refusal
from kiosk.ui.i18n import _
from kiosk.ui.messages import copy_text, kit_text, refusal_text
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.service import Scan


class ToolScreen(KioskScreen):
    tool = DictProperty({})
    photo = StringProperty("")
    title = StringProperty("")
    details = StringProperty("")
    copy = StringProperty("")
    kit = StringProperty("")
    message = StringProperty("")
    lendable = BooleanProperty(True)

    def setup(self, tool: dict[str, Any] | None = None, **_: Any) -> None:
        self.tool = tool or {}

    def refresh(self) -> None:
        tool = self.tool
        self.title = tool.get("name", "")
        self.photo = self.service.photo_path(tool)
        self.details = " · ".join(x for x in (tool.get("brand"), tool.get("model"), tool.get("category")) if x)
        self.copy = copy_text(tool)
        self.kit = kit_text(tool)
        refusal = tool_refusal(tool.get("code", ""), tool)
        self.lendable = refusal is None
        self.message = _("Scan your card to borrow this") if refusal is None else refusal_text(refusal, tool)

    def handle_scan(self, scan: Scan) -> bool:
        if scan.kind == "member" and self.lendable:
            self.app.go("member", code=scan.member["code"], basket=[self.tool["code"]])
            return True
        return False

    def leave(self) -> None:
        self.tool = {}
