"""A member's session: what they have out (renew it), then the tools they take (the basket).

A member who cannot borrow today sees why first, and what to do; the tools
they scan then stay off the basket. Tools scanned but not borrowed are never
dropped silently: leaving asks "Borrow them / Put them back".
"""

from __future__ import annotations

from typing import Any, Callable

from kivy.properties import BooleanProperty, ListProperty, StringProperty

from kiosk.ledger import LedgerError, Refused
from kiosk.ui.i18n import _, long_day
from kiosk.ui.messages import copy_text, kit_text, refusal_text, row_refusal_text
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.hold_service import HOLDABLE
from kiosk.ui.hold_rows import hold_rows
from kiosk.ui.service import BasketItem, MemberView, Scan
from kiosk.ui.widgets import Dialog, ToolRow


class MemberScreen(KioskScreen):
    code = StringProperty("")
    basket = ListProperty([])          # tool codes in the order scanned
    greeting = StringProperty("")
    blocked = BooleanProperty(False)   # the member cannot borrow today
    problem = StringProperty("")       # why, and what to do
    loans_title = StringProperty("")
    confirm_text = StringProperty("")
    can_confirm = BooleanProperty(False)

    def setup(self, code: str = "", basket: list[str] | None = None, **_params: Any) -> None:
        self.code = code
        self.basket = list(basket or [])
        self.view: MemberView | None = None
        self.items: list[BasketItem] = []
        if code:
            self._speak_their_language(code)
            ready = self.service.ready_holds(code)
            self.app.accept(_("Your {tool} is waiting for you on the hold shelf.").format(tool=ready[0]["tool_name"])
                            if ready else "")

    def _speak_their_language(self, code: str) -> None:
        """A member who gave a language sees it when their card is scanned, unless the person at the
        counter already chose one at home; going home brings back the kiosk's own."""
        language = self.service.language_of(code)
        if language and self.app.lang == self.service.local("language"):
            self.app.switch_language(language)

    def refresh(self) -> None:
        if not self.code:
            return
        self.view = self.service.member_view(self.code)
        self.blocked = bool(self.view.refusals)
        if self.blocked:
            self.basket = []
        self.items = self.service.basket(self.code, self.basket)
        self.greeting = _("Hello, {name}!").format(name=self.view.first_name)
        self.problem = "\n".join(refusal_text(r) if r.reason != "over_limit" else
                                 _("You have {limit} tools out, the most you may have at once. "
                                   "Bring one back, then you can borrow again.").format(**r.params)
                                 for r in self.view.refusals)
        self.holds = self.service.member_holds(self.code)
        self.loans_title = _("You have out:") if self.view.loans or self.holds else _("You have nothing out.")
        going = self.going()
        self.can_confirm = bool(going)
        self.confirm_text = (_("Borrow {count} tools").format(count=len(going)) if len(going) > 1
                             else _("Borrow 1 tool") if going else _("Borrow"))
        self._show_loans()
        self._show_basket()

    def going(self) -> list[BasketItem]:
        return [item for item in self.items if item.refusal is None]

    def _show_loans(self) -> None:
        box = self.ids.loans
        box.clear_widgets()
        for loan in self.view.loans:
            refusal, due = loan["renewal_refusal"], long_day(loan["due"])
            late = loan["days_overdue"] > 0
            if refusal is None:  # the rules allow a renewal: offer it
                detail = (_("Overdue: it was due on {date}") if late else _("Due on {date}")).format(date=due)
            elif late:
                detail = _("Overdue, please bring it back: it was due {date}.").format(date=due)
            elif refusal.reason == "someone_waiting":
                detail = _("Due on {date}. Someone is waiting for it, so it cannot be renewed.").format(date=due)
            else:
                detail = _("Due on {date}. It cannot be renewed again.").format(date=due)
            row = ToolRow(title=loan.get("tool_name") or loan["tool_code"], detail=detail, alert=late,
                          subtitle=copy_text(loan.get("tool")), photo=self.service.photo_path(loan.get("tool")),
                          code=loan["tool_code"], action=_("Renew") if refusal is None else "")
            row.with_photo = bool(row.photo)
            row.bind(on_action_press=lambda r: self.renew(r.code))
            box.add_widget(row)
        for row in hold_rows(self.holds):
            row.bind(on_action_press=lambda r: self.cancel_hold(r.code))
            box.add_widget(row)

    def _show_basket(self) -> None:
        box = self.ids.basket
        box.clear_widgets()
        for item in reversed(self.items):  # the newest scan on top, where the eye is
            tool = item.tool or {}
            going = item.refusal is None
            detail = (_("Due back on {date}").format(date=long_day(item.due)) if going
                      else row_refusal_text(item.refusal, item.tool))
            subtitle = "\n".join(x for x in (copy_text(item.tool), kit_text(item.tool)) if x)
            row = ToolRow(title=tool.get("name") or item.code, detail=detail, alert=not going, subtitle=subtitle,
                          mark="yes" if going else "no", code=item.code, photo=self.service.photo_path(item.tool),
                          action=_("Remove"))
            row.with_photo = bool(row.photo)
            row.bind(on_action_press=lambda r: self.remove(r.code))
            box.add_widget(row)
        self.ids.basket_scroll.scroll_y = 1
        self.ids.basket_hint.opacity = 0 if self.items else 1

    def handle_scan(self, scan: Scan) -> bool:
        if scan.kind == "member":
            if scan.member["code"] == self.code:
                self.app.accept()
                return True
            return False  # another card: the app starts that member's session, after asking about the basket
        if scan.kind != "tool":
            self.app.refuse(_("We don't know this code. Please give the item to a volunteer."))
            return True
        tool = scan.tool
        if tool["status"] == "on_loan" and (tool.get("loan") or {}).get("member_code") == self.code:
            self.app.go("checkin", tool=tool, then={"name": "member", "code": self.code, "basket": self.basket})
            return True
        if self.blocked:  # the reason is on screen already; the tool stays off the basket
            self.app.refuse()
            return True
        if tool["code"] in self.basket:
            self.app.refuse(_("This tool is already in your basket."))
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
        else:  # its row, on top, says why: the message is shown once
            self.app.refuse()
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
        self.app.accept(_("Renewed: now due on {date}").format(date=long_day(renewed["due"])))
        self.refresh()

    def confirm(self, then: Callable[[], Any] | None = None) -> None:
        """Borrows the tools that can go; ``then`` is where the receipt leads (home by default)."""
        going = [i.code for i in self.going()]
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
        self.basket, self.items = [], []
        self.app.go("receipt", member=self.view.member, loans=loans, then=then)

    # -- leaving with tools scanned but not borrowed -------------------------------------

    def may_leave(self, destination: str, then: Callable[[], Any]) -> bool:
        going = self.going()
        if not going or destination in ("checkin", "waitlist"):  # these come back to the session, basket and all
            return True
        many = len(going) > 1
        question = _("{count} tools are not borrowed yet.").format(count=len(going)) if many else \
            _("1 tool is not borrowed yet.")
        text = (_("Take them with you, or leave them here on the counter?") if many
                else _("Take it with you, or leave it here on the counter?"))
        borrow, put_back = (_("Borrow them"), _("Put them back")) if many else (_("Borrow it"), _("Put it back"))
        Dialog(question, text, [
            (borrow, "ok", lambda: self.confirm(then=None if destination == "home" else then)),
            (put_back, "quiet", lambda: self._put_back(then)),
        ]).show()
        return False

    def _put_back(self, then: Callable[[], Any]) -> None:
        self.basket = []
        self.items = []
        then()

    def unfinished(self) -> str:
        return self._not_borrowed_text(len(self.going()))

    def unfinished_basket(self, code: str, basket: list[str]) -> str:
        """What :meth:`unfinished` says of a session this screen is not showing (a return in its middle)."""
        return self._not_borrowed_text(sum(1 for item in self.service.basket(code, basket) if item.refusal is None))

    @staticmethod
    def _not_borrowed_text(count: int) -> str:
        if not count:
            return ""
        return (_("{count} tools are not borrowed yet: they will be put back.").format(count=count) if count > 1
                else _("1 tool is not borrowed yet: it will be put back."))

    def leave(self) -> None:
        self.code = ""
        self.basket = []
        self.view = None
        self.items = []
        self.ids.loans.clear_widgets()
        self.ids.basket.clear_widgets()
