"""The volunteers' repairs: tools waiting for repair, oldest first and by shelf. A scan opens
the tool's ticket, or a new one for a tool that has none."""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.ui.i18n import N_, _, long_date
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.service import Scan
from kiosk.ui.widgets import ToolRow

STAFF = ("volunteer", "coordinator")
# a ticket's status in the volunteers' words
STATUS_WORDS = {"open": N_("To do"), "waiting_parts": N_("Waiting for parts"), "fixed": N_("Fixed"),
                "cannot_fix": N_("Cannot be fixed")}


def status_text(ticket: dict[str, Any]) -> str:
    words = _(STATUS_WORDS[ticket["status"]])
    return _("{status}, {name} is on it").format(status=words, name=ticket["assignee"]) if ticket["assignee"] else words


class RepairsScreen(KioskScreen):
    roles = STAFF
    summary = StringProperty("")

    def refresh(self) -> None:
        tickets = self.service.ledger.repairs(open_only=True)
        self.summary = (_("{count} tools wait for repair").format(count=len(tickets)) if tickets
                        else _("No tool waits for repair."))
        box = self.ids.rows
        box.clear_widgets()
        for ticket in tickets:
            shelf = _("shelf {shelf}").format(shelf=ticket["shelf"]) if ticket["shelf"] else ""
            row = ToolRow(title=" · ".join(x for x in (ticket["tool_name"] or ticket["tool_code"], shelf) if x),
                          detail=" · ".join((ticket["problem"], _("opened {date}").format(
                              date=long_date(ticket["opened_at"])), status_text(ticket))),
                          code=ticket["id"], action=_("See it"), with_photo=False,
                          alert=ticket["status"] == "waiting_parts")
            row.bind(on_action_press=lambda r: self.app.go("repair", repair_id=r.code))
            box.add_widget(row)

    def handle_scan(self, scan: Scan) -> bool:
        if scan.kind != "tool":
            self.app.refuse(_("Scan a tool's label to open its repair."))
            return True
        self.app.accept()
        ticket = self.service.ledger.repair_for_tool(scan.tool["code"])
        if ticket:
            self.app.go("repair", repair_id=ticket["id"])
        else:
            self.app.go("repair", tool_code=scan.tool["code"])
        return True

    def leave(self) -> None:
        self.ids.rows.clear_widgets()
