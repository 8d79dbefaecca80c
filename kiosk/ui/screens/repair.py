"""One repair ticket: what is wrong and what was done; a volunteer notes who is on it, parts,
cost and notes, and closes it (fixed: back in service; cannot be fixed: retired). For a tool
with no ticket, it asks what is wrong and opens one."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from kiosk.ledger import LedgerError
from kiosk.ledger.events import PROBLEM_MAX_LENGTH
from kiosk.ledger.repair_rules import ASSIGNEE_MAX, COST_MAX, NOTE_MAX, PARTS_MAX
from kiosk.ui.i18n import _, long_date
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.repairs import STAFF, status_text


class RepairScreen(KioskScreen):
    roles = STAFF
    heading = StringProperty("")
    details = StringProperty("")
    is_new = BooleanProperty(False)   # a tool with no ticket yet: ask what is wrong
    repair_id = ""
    tool_code = ""

    def setup(self, repair_id: str = "", tool_code: str = "", **_params: Any) -> None:
        self.repair_id, self.tool_code = repair_id, tool_code
        for field in ("problem", "assignee", "cost", "parts", "note"):
            self.ids[field].text = ""
        self._filled = False

    def refresh(self) -> None:
        ledger = self.service.ledger
        self.is_new = not self.repair_id
        if self.is_new:
            tool = ledger.tool(self.tool_code)
            self.heading = tool["name"]
            self.details = _("No repair is open for this tool. What is wrong with it?")
            return
        ticket = ledger.repair(self.repair_id)
        self.heading = ticket["tool_name"] or ticket["tool_code"]
        lines = [ticket["problem"], _("opened {date}").format(date=long_date(ticket["opened_at"])),
                 status_text(ticket)]
        if ticket["returned_by"]:
            lines.insert(1, _("returned by {name}").format(name=ticket["returned_by"]))
        lines += [f"{long_date(n['at'])}: {n['text']}" for n in ticket["notes"]]
        self.details = "\n".join(lines)
        if not self._filled:   # what was recorded, to change; not over what is being typed
            self.ids.assignee.text = ticket["assignee"] or ""
            self.ids.cost.text = "" if ticket["cost"] is None else f"{ticket['cost']:.2f}"
            self.ids.parts.text = ticket["parts"] or ""
            self._filled = True

    def open_ticket(self) -> None:
        problem = self.ids.problem.text.strip()
        if not problem:
            self.app.refuse(_("Say what is wrong with it first."))
            return
        if len(problem) > PROBLEM_MAX_LENGTH:
            self.app.refuse(_("Say what is wrong in at most {count} characters.").format(count=PROBLEM_MAX_LENGTH))
            return
        try:
            self.service.ledger.open_repair(self.tool_code, problem)
        except LedgerError as exc:
            self.app.refuse(str(exc))
            return
        self.app.request_sync()
        self.app.accept(_("Repair opened. The tool stays out of service until it is fixed."))
        self.app.go("repairs")

    def save(self, status: str | None = None) -> None:
        """The fields as typed, and a new status when a button gives one."""
        changes = self._changes()
        if changes is None:
            return
        if status:
            changes["status"] = status
        if not changes:
            self.app.refuse(_("Nothing has changed."))
            return
        try:
            ticket = self.service.ledger.update_repair(self.repair_id, **changes)
        except LedgerError as exc:
            self.app.refuse(str(exc))
            return
        self.app.request_sync()
        name = ticket["tool_name"] or ticket["tool_code"]
        self.app.accept({"fixed": _("{name} is back in service.").format(name=name),
                         "cannot_fix": _("{name} is retired.").format(name=name)}.get(status or "", _("Saved.")))
        self.app.go("repairs")

    def _changes(self) -> dict[str, Any] | None:
        """What differs from the ticket, each within its range; None (after saying why) when one is not."""
        ticket = self.service.ledger.repair(self.repair_id)
        typed = {name: self.ids[name].text.strip() for name in ("assignee", "cost", "parts", "note")}
        limits = {"assignee": ASSIGNEE_MAX, "parts": PARTS_MAX, "note": NOTE_MAX}
        for name, most in limits.items():
            if len(typed[name]) > most:
                self.app.refuse(_("That is too long: at most {count} characters.").format(count=most))
                return None
        changes: dict[str, Any] = {}
        if typed["cost"]:
            try:
                cost = float(typed["cost"].replace(",", "."))
            except ValueError:
                cost = -1.0
            if not 0 <= cost <= COST_MAX:
                self.app.refuse(_("The cost is a number from 0 to {most}.").format(most=f"{COST_MAX:g}"))
                return None
            if cost != ticket["cost"]:
                changes["cost"] = cost
        for name in ("assignee", "parts"):
            if typed[name] and typed[name] != (ticket[name] or ""):
                changes[name] = typed[name]
        if typed["note"]:
            changes["note"] = typed["note"]
        return changes

    def leave(self) -> None:
        for field in ("problem", "assignee", "cost", "parts", "note"):
            self.ids[field].text = ""
