"""A member's session: what they have out (renew it), then the tools they take (the basket)."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, ListProperty, StringProperty

from kiosk.ledger import LedgerError, Refused
from kiosk.ui.i18n import _, long_date
from kiosk.ui.messages import refusal_text
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.hold_service import HOLDABLE
from kiosk.ui.hold_rows import hold_rows
from kiosk.ui.service import BasketItem, MemberView, Scan
from kiosk.ui.widgets import ToolRow


class MemberScreen(KioskScreen):
    code = StringProperty("")
    basket = ListProperty([])          # tool codes in the order scanned
    greeting = StringProperty("")
    problem = StringProperty("")       # why this member cannot borrow today, if so
    loans_title = StringProperty("")
    confirm_text = StringProperty("")
    can_confirm = BooleanProperty(False)

    def setup(self, code: str = "", basket: list[str] | None = None, **_params: Any) -> None:
        self.code = code
        self.basket = list(basket or [])
        self.view: MemberView | None = None
        self.items: list[BasketItem] = []
        if code:
            ready = self.service.ready_holds(code)
            self.app.accept(_("Your {tool} is waiting for you on the hold shelf.").format(tool=ready[0]["tool_name"])
                            if ready else "")

    def refresh(self) -> None:
        if not self.code:
            return
        self.view = self.service.member_view(self.code)
        self.items, about_member = self.service.basket(self.code, self.basket)
        self.greeting = _("Hello, {name}!").format(name=self.view.first_name)
        problems = self.view.refusals + [r for r in about_member if r.reason == "over_limit"]
        self.problem = "\n".join(refusal_text(r) for r in problems)
        self.holds = self.service.member_holds(self.code)
        self.loans_title = _("You have out:") if self.view.loans or self.holds else _("You have nothing out.")
        going = [i for i in self.items if i.refusal is None]
        self.can_confirm = bool(going) and not about_member
        self.confirm_text = (_("Borrow {count} tools").format(count=len(going)) if len(going) > 1
                             else _("Borrow 1 tool") if going else _("Borrow"))
        self._show_loans()
        self._show_basket()

    def _show_loans(self) -> None:
        box = self.ids.loans
        box.clear_widgets()
        for loan in self.view.loans:
            late = loan["days_overdue"] > 0
            detail = (_("Overdue: it was due on {date}") if late else _("Due on {date}")).format(date=long_date(loan["due"]))
            row = ToolRow(title=loan.get("tool_name") or loan["tool_code"], detail=detail, alert=late,
                          photo=self.service.photo_path(loan.get("tool")), code=loan["tool_code"], action=_("Renew"))
            row.bind(on_action_press=lambda r: self.renew(r.code))
            box.add_widget(row)
        for row in hold_rows(self.holds):
            row.bind(on_action_press=lambda r: self.cancel_hold(r.code))
            box.add_widget(row)

    def _show_basket(self) -> None:
        box = self.ids.basket
        box.clear_widgets()
        for item in self.items:
            name = (item.tool or {}).get("name") or item.code
            detail = (refusal_text(item.refusal, item.tool) if item.refusal
                      else _("Due back on {date}").format(date=long_date(item.due)))
            row = ToolRow(title=name, detail=detail, alert=item.refusal is not None, code=item.code,
                          photo=self.service.photo_path(item.tool), action=_("Remove"))
            row.bind(on_action_press=lambda r: self.remove(r.code))
            box.add_widget(row)
        self.ids.basket_scroll.scroll_y = 0  # the tool just scanned is the last row: keep it in sight
        self.ids.basket_hint.opacity = 0 if self.items else 1

    def handle_scan(self, scan: Scan) -> bool:
        if scan.kind == "member":
            if scan.member["code"] == self.code:
                self.app.accept()
                return True
            return False  # another card: the app starts that member's session
        if scan.kind != "tool":
            self.app.refuse(_("We don't know this code. Please give the item to a volunteer."))
            return True
        tool = scan.tool
        if tool["code"] in self.basket:
            self.app.refuse(_("This tool is already in your basket."))
            return True
        if tool["status"] == "on_loan" and (tool.get("loan") or {}).get("member_code") == self.code:
            self.app.go("checkin", tool=tool, then={"name": "member", "code": self.code, "basket": self.basket})
            return True
        self.basket.append(tool["code"])
        self.refresh()
        item = next(i for i in self.items if i.code == tool["code"])
        if item.refusal is not None and item.refusal.reason in HOLDABLE:  # offer its waiting list instead
            self.basket.remove(tool["code"])
            self.app.refuse(refusal_text(item.refusal, item.tool))
            self.app.go("waitlist", code=self.code, tool=tool,
                        then={"name": "member", "code": self.code, "basket": list(self.basket)})
            return True
        if item.refusal is None:
            self.app.accept()
        else:
            self.app.refuse(refusal_text(item.refusal, item.tool))
        return True

    def cancel_hold(self, hold_id: str) -> None:
        self.service.cancel_hold(hold_id)
        self.app.request_sync()
        self.app.accept(_("Your hold is cancelled."))
        self.refresh()

    def remove(self, code: str) -> None:
        self.basket = [c for c in self.basket if c != code]
        self.refresh()

    def renew(self, tool_code: str) -> None:
        loan = next((l for l in self.view.loans if l["tool_code"] == tool_code), None)
        try:
            renewed = self.service.renew(tool_code)
        except Refused as exc:
            limit = self.service.ledger.settings["max_renewals"]
            self.app.refuse(refusal_text(exc.refusals[0], loan and loan.get("tool"),
                                         due=loan and loan["due"], limit=limit))
            return
        self.app.request_sync()
        self.app.accept(_("Renewed: now due on {date}").format(date=long_date(renewed["due"])))
        self.refresh()

    def confirm(self) -> None:
        going = [i.code for i in self.items if i.refusal is None]
        if not going:
            return
        try:
            loans = self.service.checkout(self.code, going)
        except Refused as exc:
            self.app.refuse(" ".join(refusal_text(r) for r in exc.refusals))
            self.refresh()
            return
        except LedgerError as exc:
            self.app.refuse(str(exc))
            return
        self.app.request_sync()
        self.app.go("receipt", member=self.view.member, loans=loans)

    def leave(self) -> None:
        self.code = ""
        self.basket = []
        self.view = None
        self.items = []
        self.ids.loans.clear_widgets()
        self.ids.basket.clear_widgets()
