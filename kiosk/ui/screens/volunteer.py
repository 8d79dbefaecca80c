"""The volunteers' menu. A scan here opens what it names: a tool to edit, a card to renew,
a fresh label or a maker's barcode to add. Members who signed up online and wait for their
first visit are listed here, to be activated once a volunteer has checked their ID."""

from __future__ import annotations

from kivy.factory import Factory
from kivy.properties import StringProperty

from kiosk.ui.i18n import _
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.service import Scan

STAFF = ("volunteer", "coordinator")
PENDING_SHOWN = 6   # more wait in the members' list; a scan of their card finds any of them


class VolunteerScreen(KioskScreen):
    roles = STAFF
    inventory_text = StringProperty("")
    pending_text = StringProperty("")

    def refresh(self) -> None:
        check = self.service.ledger.open_inventory()
        self.inventory_text = (_("Continue the inventory check ({count} scanned)").format(count=len(check["seen"]))
                               if check else _("Inventory check"))
        pending = self.service.ledger.pending_members()
        self.pending_text = (_("{count} signed up online: check their ID, then activate them").format(
            count=len(pending)) if pending else "")
        box = self.ids.pending
        box.clear_widgets()
        for member in pending[:PENDING_SHOWN]:
            button = Factory.KButton(text=_("Activate {name}").format(name=member["name"]))
            button.bind(on_release=lambda _b, code=member["code"]: self.activate(code))
            box.add_widget(button)

    def activate(self, code: str) -> None:
        member = self.service.ledger.activate_member(code)
        self.app.request_sync()
        self.app.accept(_("{name} is a member now. Print their card on the member's page.").format(name=member["name"]))
        self.app.go("member_form", code=code)

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
