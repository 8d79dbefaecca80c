"""Conflicts to settle, one at a time: both sides shown, and who really has the tool."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty

from kiosk.ui.i18n import _, long_date
from kiosk.ui.screens.base import KioskScreen


class ConflictsScreen(KioskScreen):
    roles = ("coordinator",)
    index = NumericProperty(0)
    heading = StringProperty("")
    explanation = StringProperty("")
    sides = ListProperty(["", ""])
    keep_texts = ListProperty(["", ""])
    has_conflict = BooleanProperty(False)

    def setup(self, **_: Any) -> None:
        self.index = 0

    def refresh(self) -> None:
        self.conflicts = self.service.conflicts()
        self.has_conflict = bool(self.conflicts)
        if not self.conflicts:
            self.heading = _("No conflicts to settle.")
            self.explanation, self.sides, self.keep_texts = "", ["", ""], ["", ""]
            return
        self.index %= len(self.conflicts)
        conflict = self.conflicts[self.index]
        loans = conflict["loans"]
        tool = loans[0].get("tool_name") if loans else conflict.get("tool_code")
        self.heading = _("Conflict {n} of {total}: {tool}").format(n=self.index + 1, total=len(self.conflicts), tool=tool)
        self.explanation = (_("The same tool was checked out twice while kiosks were offline. Who has it?")
                            if conflict["kind"] == "double_checkout" else conflict["kind"])
        sides, keeps = [], []
        for loan in loans[:2]:
            name = loan.get("member_name") or loan.get("member_code") or "?"
            lines = [name, _("Checked out on {date}").format(date=long_date(loan["opened_at"])) if loan.get("opened_at") else "",
                     _("Due on {date}").format(date=long_date(loan["due"])),
                     _("Kiosk: {device}").format(device=self.service.device_name(loan.get("opened_device"))
                                                        or _("another kiosk"))]
            if loan.get("provisional"):
                lines.append(_("(recorded second)"))
            sides.append("\n".join(x for x in lines if x))
            keeps.append(_("{name} has it").format(name=name.split(" ")[0]))
        while len(sides) < 2:
            sides.append("")
            keeps.append("")
        self.sides, self.keep_texts = sides, keeps

    def keep(self, side: int) -> None:
        conflict = self.conflicts[self.index]
        loan = conflict["loans"][side]
        self.service.resolve_conflict(conflict["id"], f"kept:{loan['id']}",
                                      f"{loan.get('member_name') or loan.get('member_code')} has the tool")
        self.app.request_sync()
        self.app.accept(_("Settled."))
        self.refresh()

    def next(self) -> None:
        self.index += 1
        self.refresh()
