"""Registering a member (name, contact, the waiver, a card) or renewing a membership.

The card is a fresh card label scanned here, or a new code minted on saving
and printed as a card.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, DictProperty, StringProperty

from kiosk.ledger import LedgerError
from kiosk.ui.i18n import _, long_date
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.volunteer import STAFF
from kiosk.ui.service import Scan


class MemberFormScreen(KioskScreen):
    roles = STAFF
    member = DictProperty({})       # the member renewing; empty when registering
    card = StringProperty("")       # a fresh card label scanned for a new member
    accepted = BooleanProperty(False)
    needs_waiver = BooleanProperty(True)
    title = StringProperty("")
    card_text = StringProperty("")
    status_text = StringProperty("")
    expired = BooleanProperty(False)
    waiver = StringProperty("")

    def setup(self, code: str | None = None, new_code: str | None = None, **_: Any) -> None:
        self.member = self.service.ledger.member(code) if code else {}
        self.card = new_code or ""
        self.accepted = False
        for name in ("name", "email", "phone"):
            self.ids[name].text = ""

    def refresh(self) -> None:
        member, settings = self.member, self.service.ledger.settings
        self.waiver = self.service.waiver_text()
        self.needs_waiver = not member or member.get("waiver_version") != settings["waiver_version"]
        if member:
            self.title = _("Membership: {name}").format(name=member["name"])
            self.card_text = _("Card: {code}").format(code=member["code"])
            expires = member.get("expires")
            self.expired = bool(expires) and expires < self.service.today().isoformat()
            self.status_text = ("" if not expires else
                                (_("Membership ended on {date}.") if self.expired else _("Membership runs until {date}."))
                                .format(date=long_date(expires)))
        else:
            self.title = _("Register a member")
            self.card_text = (_("Card: {code}").format(code=self.card) if self.card
                              else _("Scan a new card label, or a new card will be printed."))
            self.status_text = ""
            self.expired = False

    def handle_scan(self, scan: Scan) -> bool:
        if scan.fresh == "member" and not self.member:
            self.card = scan.text
            self.refresh()
            self.app.accept()
        elif scan.kind == "member":
            self.app.refuse(_("That card already belongs to {name}.").format(name=scan.member["name"]))
        else:
            self.app.refuse(_("Please scan a new member card label."))
        return True

    def save(self) -> None:
        if self.needs_waiver and not self.accepted:
            self.app.refuse(_("The member must read and accept the waiver first."))
            return
        try:
            if self.member:
                member = self.service.renew_membership(self.member["code"])
                message = _("Renewed until {date}.").format(date=long_date(member["expires"]))
            else:
                name = self.ids.name.text.strip()
                if not name:
                    self.app.refuse(_("Please enter the member's name."))
                    return
                member = self.service.register_member(self.card or None, name, email=self.ids.email.text.strip(),
                                                      phone=self.ids.phone.text.strip())
                if not self.card:
                    self.service.print_label(member["code"], member["name"])
                message = _("Welcome, {name}!").format(name=member["name"])
        except LedgerError as exc:
            self.app.refuse(str(exc))
            return
        self.app.request_sync()
        self.app.accept(message)
        self.app.go(self.app.role)

    def print_card(self) -> None:
        self.service.print_label(self.member["code"], self.member["name"])
        self.app.accept(_("The card is printing."))

    def leave(self) -> None:
        self.member = {}
        self.card = ""
