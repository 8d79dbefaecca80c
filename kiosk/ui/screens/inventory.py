"""Inventory check: scan everything on the shelves, then see what should be there and was not
scanned, in shelf order. The check is kept by the library (with every scan) until it is finished
or discarded: going home, idling or a restart lose nothing, and the next visit continues it."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from kiosk.ui.i18n import _, long_date
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
    under_way = BooleanProperty(False)    # a check is open: it can be finished or discarded
    discarding = BooleanProperty(False)   # Discard was tapped once: the next tap discards

    def setup(self, **_: Any) -> None:
        self.check = self.service.ledger.open_inventory()  # None until the first scan starts one
        self.finished: dict[str, Any] | None = None
        self.showing_missing = False
        self.discarding = False

    @property
    def seen(self) -> set[str]:
        return self.check["seen"] if self.check else set()

    def refresh(self) -> None:
        self.under_way = self.check is not None
        shown = self.finished or self.check
        self.counted = _("Tools scanned: {count}").format(count=len(shown["seen"]) if shown else 0)
        box = self.ids.tools
        box.clear_widgets()
        if self.finished is not None or self.showing_missing:
            check = self.finished or self.check
            missing = self.service.ledger.inventory_missing(check["id"]) if check else []
            self.list_title = self._missing_title(len(missing))
            for tool in missing:
                box.add_widget(ToolRow(title=tool["name"], detail=_("Shelf {shelf}").format(shelf=tool.get("shelf") or "?")
                                       + " · " + tool["code"], photo=self.service.photo_path(tool)))
            return
        self.list_title = _("Scan every tool on the shelves.") if not self.seen else _("Last scanned:")
        ledger = self.service.ledger
        for code in sorted(self.seen)[:SHOWN_SCANS]:
            tool = ledger.find_tool(code)
            if tool is not None:
                self._add_row(tool)

    def _missing_title(self, count: int) -> str:
        if self.finished is not None:
            done = _("Check finished on {date}.").format(date=long_date(self.finished["ended_at"]))
            return done + " " + (_("Not found on the shelves: {count}").format(count=count) if count
                                 else _("Every tool that should be on the shelves was found."))
        return (_("Not scanned, though they should be on the shelves: {count}").format(count=count) if count
                else _("Every tool that should be on the shelves was scanned."))

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
        self.discarding = False
        ledger = self.service.ledger
        if self.check is None:
            self.check, self.finished = ledger.start_inventory(), None
        if not ledger.inventory_seen(self.check["id"], scan.tool["code"]):
            return True
        self.check["seen"].add(scan.tool["code"])
        if self.showing_missing or len(self.seen) == 1:
            self.showing_missing = False
            self.refresh()
            return True
        self.counted = _("Tools scanned: {count}").format(count=len(self.seen))
        self._add_row(scan.tool)
        return True

    def show_missing(self) -> None:
        self.showing_missing = not self.showing_missing
        self.discarding = False
        self.refresh()

    def finish(self) -> None:
        """The check is done: what was not found stays on screen."""
        self.finished = self.service.ledger.end_inventory(self.check["id"])
        self.check, self.discarding = None, False
        self.app.request_sync()
        self.app.accept()
        self.refresh()

    def discard(self) -> None:
        if not self.discarding:
            self.discarding = True
            return
        self.service.ledger.end_inventory(self.check["id"], discard=True)
        self.app.request_sync()
        self.app.accept(_("The inventory check was discarded."))
        self.setup()
        self.refresh()

    def leave(self) -> None:
        self.ids.tools.clear_widgets()  # the check itself stays in the library's records
