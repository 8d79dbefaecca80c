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
            for tool in list(self.scanned.values())[::-1][:SHOWN_SCANS]:
                box.add_widget(ToolRow(title=tool["name"], detail=tool.get("shelf") or "",
                                       photo=self.service.photo_path(tool)))

    def handle_scan(self, scan: Scan) -> bool:
        if scan.kind != "tool":
            self.app.refuse(_("That is not one of our tools."))
            return True
        self.scanned[scan.tool["code"]] = scan.tool
        self.showing_missing = False
        self.app.accept()
        self.refresh()
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
