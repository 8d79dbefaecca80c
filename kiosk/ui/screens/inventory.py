"""Inventory check: scan everything on the shelves, then see what should be there and was not scanned."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from kiosk.ui.i18n import _
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.volunteer import STAFF
from kiosk.ui.service import Scan
from kiosk.ui.widgets import ToolRow

SHOWN_SCANS = 30


class InventoryScreen(KioskScreen):
    roles = STAFF
    counted = StringProperty("")
    showing_missing = BooleanProperty(False)
    list_title = StringProperty("")

    def setup(self, **_: Any) -> None:
        self.scanned: dict[str, dict[str, Any]] = {}
        self.showing_missing = False

    def refresh(self) -> None:
        self.counted = _("Tools scanned: {count}").format(count=len(self.scanned))
        box = self.ids.tools
        box.clear_widgets()
        if self.showing_missing:
            missing = self.service.inventory_missing(set(self.scanned))
            self.list_title = (_("Not scanned, though the ledger says they are here: {count}").format(count=len(missing))
                               if missing else _("Everything the ledger says is here was scanned."))
            for tool in missing:
                box.add_widget(ToolRow(title=tool["name"], detail=_("Shelf {shelf}").format(shelf=tool.get("shelf") or "?")
                                       + " · " + tool["code"], photo=self.service.photo_path(tool)))
        else:
            self.list_title = _("Scan every tool on the shelves.") if not self.scanned else _("Last scanned:")
            for tool in list(self.scanned.values())[-SHOWN_SCANS:]:
                self._add_row(tool)

    def _add_row(self, tool: dict[str, Any]) -> None:
        """The newest scan on top; the oldest row goes once the list is full."""
        box = self.ids.tools
        box.add_widget(ToolRow(title=tool["name"], detail=tool.get("shelf") or "", photo=self.service.photo_path(tool)),
                       index=len(box.children))
        if len(box.children) > SHOWN_SCANS:
            box.remove_widget(box.children[0])

    def handle_scan(self, scan: Scan) -> bool:
        if scan.kind != "tool":
            self.app.refuse(_("That is not one of our tools."))
            return True
        self.app.accept()
        if scan.tool["code"] in self.scanned:
            return True
        self.scanned[scan.tool["code"]] = scan.tool
        if self.showing_missing:
            self.showing_missing = False
            self.refresh()
            return True
        if len(self.scanned) == 1:
            self.list_title = _("Last scanned:")
        self.counted = _("Tools scanned: {count}").format(count=len(self.scanned))
        self._add_row(scan.tool)
        return True

    def show_missing(self) -> None:
        self.showing_missing = not self.showing_missing
        self.refresh()

    def restart(self) -> None:
        self.setup()
        self.refresh()

    def leave(self) -> None:
        self.scanned = {}
        self.ids.tools.clear_widgets()
