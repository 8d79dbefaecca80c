"""A borrower looks for a tool from their session: which shelf it is on, or its waiting list if it is out."""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.ui.i18n import _
from kiosk.ui.messages import status_text
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.service import Scan
from kiosk.ui.widgets import ToolRow


class FindToolScreen(KioskScreen):
    summary = StringProperty("")

    def setup(self, code: str = "", basket: list[str] | None = None, **_params: Any) -> None:
        """``code``: the member whose session this is; ``basket``: theirs, kept for their return."""
        self.code = code
        self.basket = list(basket or [])
        self.found: dict[str, dict[str, Any]] = {}

    def refresh(self) -> None:
        self.search(self.ids.query.text)

    def search(self, text: str) -> None:
        tools = self.service.ledger.search_tools(text, limit=20) if text.strip() else []
        self.found = {t["code"]: t for t in tools}
        self.summary = (_("Type what you are looking for.") if not text.strip()
                        else _("Nothing matches.") if not tools else "")
        box = self.ids.rows
        box.clear_widgets()
        for tool in tools:
            out = tool["status"] in ("on_loan", "on_hold_shelf")
            where = _("Shelf {shelf}").format(shelf=tool["shelf"]) if tool.get("shelf") else ""
            detail = " · ".join(x for x in (status_text(tool["status"]), where,
                                            _("{count} waiting").format(count=tool["waiting"]) if tool.get("waiting") else "")
                                if x)
            row = ToolRow(title=tool["name"], detail=detail, code=tool["code"], photo=self.service.photo_path(tool),
                          action=_("Waiting list") if out else "")
            row.bind(on_action_press=lambda r: self.wait_for(r.code))
            box.add_widget(row)

    def wait_for(self, code: str) -> None:
        self.app.go("waitlist", code=self.code, tool=self.service.ledger.tool(code),
                    then={"name": "member", "code": self.code, "basket": self.basket})

    def back(self) -> None:
        self.app.go("member", code=self.code, basket=self.basket)

    def handle_scan(self, scan: Scan) -> bool:
        return False

    def leave(self) -> None:
        self.ids.query.text = ""
        self.ids.rows.clear_widgets()
