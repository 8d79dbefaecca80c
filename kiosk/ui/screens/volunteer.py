"""The volunteers' menu. A scan here opens what it names: a tool to edit, a card to renew,
a fresh label or a maker's barcode to add."""

from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.ui.i18n import _
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.service import Scan

STAFF = ("volunteer", "coordinator")


class VolunteerScreen(KioskScreen):
    roles = STAFF
    inventory_text = StringProperty("")

    def refresh(self) -> None:
        check = self.service.ledger.open_inventory()
        self.inventory_text = (_("Continue the inventory check ({count} scanned)").format(count=len(check["seen"]))
                               if check else _("Inventory check"))

    def handle_scan(self, scan: Scan) -> bool:
        open_scan(self.app, scan)
        return True

    def open_typed(self) -> None:
        text = self.ids.code.text.strip()
        self.ids.code.text = ""
        if text:
            open_scan(self.app, self.service.identify(text))


def open_scan(app, scan: Scan) -> None:
    """Staff scanned something outside a form: open the form it calls for."""
    if scan.kind == "tool":
        app.accept()
        app.go("tool_form", code=scan.tool["code"])
    elif scan.kind == "member":
        app.accept()
        app.go("member_form", code=scan.member["code"])
    elif scan.fresh == "tool":
        app.accept()
        app.go("tool_form", new_code=scan.text)
    elif scan.fresh == "maker":
        app.accept()
        app.go("tool_form", maker_code=scan.text)
    elif scan.fresh == "member":
        app.accept()
        app.go("member_form", new_code=scan.text)
    else:
        app.refuse(_("This code is not one of our labels, and not a maker's barcode."))
