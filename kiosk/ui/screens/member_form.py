"""Registering a member (name, contact, language, the waiver, a card) or renewing a membership,
where the name, e-mail, phone and language can be corrected too. The waiver is shown in the
member's language when the library has it in that language, and the member's record keeps which
language they read it in.

The card is a fresh card label scanned here, or a new code minted on saving: then its number is
shown, with a button to print the card.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, DictProperty, StringProperty

from kiosk.ledger import InvalidInput, LedgerError, limits
from kiosk.ui.i18n import _, long_date, tr
from kiosk.ui.printing import print_label
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.volunteer import STAFF
from kiosk.ui.service import Scan

CONTACT = ("name", "email", "phone", "area")  # area: counted in the impact report, never shown there alone


class MemberFormScreen(KioskScreen):
    roles = STAFF
    member = DictProperty({})       # the member renewing; empty when registering
    card = StringProperty("")       # a fresh card label scanned for a new member
    new_card = DictProperty({})     # the member just registered with a card minted here: shown with its number
    new_card_code = StringProperty("")
    accepted = BooleanProperty(False)
    needs_waiver = BooleanProperty(True)
    title = StringProperty("")
    card_text = StringProperty("")    # the card, and how long the membership runs
    expired = BooleanProperty(False)
    waiver = StringProperty("")
    language = StringProperty("en")  # the member's: their screens, reminders and the waiver shown

    def setup(self, code: str | None = None, new_code: str | None = None, **_: Any) -> None:
        self.member = self.service.ledger.member(code) if code else {}
        self.card = new_code or ""
        self.new_card = {}
        self.accepted = False
        for name in CONTACT:
            self.ids[name].text = self.member.get(name) or ""
        self.language = self.service.member_language(self.member) or tr.lang

    def on_language(self, *_: Any) -> None:
        self.waiver, self.waiver_language = self.service.waiver(self.language)

    def refresh(self) -> None:
        self._show_buttons()
        member, settings = self.member, self.service.ledger.settings
        self.on_language()
        self.needs_waiver = not member or member.get("waiver_version") != settings["waiver_version"]
        self.new_card_code = self.new_card.get("code", "")
        if self.new_card:
            self.title = _("Welcome, {name}!").format(name=self.new_card["name"])
        elif member:
            self.title = _("Membership: {name}").format(name=member["name"])
            expires = member.get("expires")
            self.expired = bool(expires) and expires < self.service.today().isoformat()
            runs = (_("Membership ended on {date}.") if self.expired else _("Membership runs until {date}."))
            self.card_text = "\n".join([_("Card: {code}").format(code=member["code"]),
                                        *([runs.format(date=long_date(expires))] if expires else [])])
        else:
            self.title = _("Register a member")
            self.card_text = (_("Card: {code}").format(code=self.card) if self.card
                              else _("Scan a new card label, or a number is made when you register."))
            self.expired = False

    def _show_buttons(self) -> None:
        """Save changes and Print a new card are for members who have a card already."""
        if not hasattr(self, "buttons"):  # held here: the row lets go of the ones it does not show
            self.buttons = {name: self.ids[name].__self__ for name in ("save", "change", "reprint", "cancel")}
        wanted = [self.buttons[n] for n in (("save", "change", "reprint", "cancel") if self.member else ("save", "cancel"))]
        row = self.ids.buttons
        if row.children[::-1] != wanted:
            row.clear_widgets()
            for button in wanted:
                row.add_widget(button)

    def handle_scan(self, scan: Scan) -> bool:
        if scan.fresh == "member" and not self.member and not self.new_card:
            self.card = scan.text
            self.refresh()
            self.app.accept()
        elif scan.kind == "member":
            self.app.refuse(_("That card already belongs to {name}.").format(name=scan.member["name"]))
        else:
            self.app.refuse(_("Please scan a new member card label."))
        return True

    def contact(self) -> dict[str, str]:
        return {**{name: self.ids[name].text.strip() for name in CONTACT}, "language": self.language}

    def _checked_contact(self) -> dict[str, str] | None:
        """What was typed, or None once the volunteer has been told what is missing or wrong."""
        contact = self.contact()
        problem = _("Please enter the member's name.") if not contact["name"] else contact_problem(contact)
        if problem:
            self.app.refuse(problem)
            return None
        return contact

    def save(self) -> None:
        """Registers the member, or renews the membership with any corrections typed."""
        if self.needs_waiver and not self.accepted:
            self.app.refuse(_("The member must read and accept the waiver first."))
            return
        contact = self._checked_contact()
        if contact is None:
            return
        try:
            shown = self.waiver_language if self.needs_waiver else None
            if self.member:
                member = self.service.renew_membership(self.member["code"], waiver_language=shown, **contact)
            else:
                member = self.service.register_member(self.card or None, waiver_language=shown, **contact)
        except LedgerError as exc:
            self.app.refuse(str(exc))
            return
        self.app.request_sync()
        if self.member:
            self.app.accept(_("Renewed until {date}.").format(date=long_date(member["expires"])))
        elif not self.card:  # the card number exists only on this screen yet: show it, offer to print it
            self.new_card = member
            self.refresh()
            self.app.accept()
            return
        else:
            self.app.accept(_("Welcome, {name}!").format(name=member["name"]))
        self.app.go(self.app.role)

    def save_changes(self) -> None:
        """The name, e-mail and phone corrected, without renewing."""
        contact = self._checked_contact()
        if contact is None:
            return
        try:
            member = self.service.update_member(self.member["code"], **contact)
        except LedgerError as exc:
            self.app.refuse(str(exc))
            return
        self.app.request_sync()
        self.app.accept(_("Saved: {name}").format(name=member["name"]))
        self.app.go(self.app.role)

    def print_card(self) -> None:
        member = self.new_card or self.member
        print_label(self.app, member["code"], member["name"], what="card")

    def leave(self) -> None:
        self.member = {}
        self.new_card = {}
        self.card = ""


def contact_problem(contact: dict[str, str]) -> str | None:
    """What is wrong with the e-mail or phone typed, in the reader's language (the ledger's own
    checks, worded for the screen); None when both are fine or empty."""
    try:
        limits.check_email(contact["email"] or None)
    except InvalidInput:
        return _("That e-mail address does not look right. Write it like name@example.org.")
    try:
        limits.check_phone(contact["phone"] or None)
    except InvalidInput:
        return _("That phone number does not look right. Use digits, spaces, dashes and a leading +.")
    return None
