"""Members: their cards, details and the waiver they signed."""

from __future__ import annotations

from typing import Any

from kiosk.ledger.core import clean_fields
from kiosk.ledger.errors import InvalidInput, NotFound
from kiosk.ledger.events import MEMBER_FIELDS, MEMBER_STATUSES, check_fields, check_member_values
from kiosk.ledger.limits import check_code
from kiosk.ledger.minting import Minting
from kiosk.ledger.settings import Settings
from kiosk.ledger.store import write_transaction


class Members(Settings, Minting):
    def add_member(self, code: str | None, name: str, **fields: Any) -> dict[str, Any]:
        code = check_code((code or "").strip() or self.mint_codes("member", 1)[0], "a member's card code")
        if not name or not name.strip():
            raise InvalidInput("a member needs a name")
        fields = check_fields(clean_fields({"name": name.strip(), **fields}), MEMBER_FIELDS, "member")
        _check_member(fields)
        with self._lock, write_transaction(self._conn, self.path):
            if self._member_row(code) is not None:
                raise InvalidInput(f"a member with the card {code} already exists")
            self._append("member.added", f"member:{code}", {"code": code, "fields": fields, "at": self.today().isoformat()})
        return self.member(code)

    def edit_member(self, code: str, **fields: Any) -> dict[str, Any]:
        fields = check_fields(clean_fields(fields), MEMBER_FIELDS, "member")
        _check_member(fields)
        if not fields:
            raise InvalidInput("nothing to change")
        with self._lock, write_transaction(self._conn, self.path):
            if self._member_row(code) is None:
                raise NotFound(f"no member has the card {code}")
            self._append("member.edited", f"member:{code}", {"code": code, "fields": fields})
        return self.member(code)

    def accept_waiver(self, code: str, language: str | None = None) -> dict[str, Any]:
        """The current waiver accepted; ``language``: the one it was shown in (None: not recorded)."""
        shown = {"waiver_language": language} if language else {}
        return self.edit_member(code, waiver_version=self.settings["waiver_version"],
                                waiver_accepted_at=self.today().isoformat(), **shown)

    def member(self, code: str) -> dict[str, Any]:
        row = self._member_row(code)
        if row is None:
            raise NotFound(f"no member has the card {code}")
        return row

    def find_member(self, code: str) -> dict[str, Any] | None:
        row = self._member_row(code.strip())
        return row

    def _member_row(self, code: str) -> dict[str, Any] | None:
        rows = self._query("SELECT * FROM members WHERE library = ? AND code = ?", (self.library["slug"], code))
        return rows[0] if rows else None

    def pending_members(self) -> list[dict[str, Any]]:
        """Members who signed up online and wait for a volunteer to check their ID and hand a card."""
        return self._query("SELECT * FROM members WHERE library = ? AND status = 'pending' ORDER BY name, code",
                           (self.library["slug"],))

    def activate_member(self, code: str) -> dict[str, Any]:
        """A pending member becomes active: a volunteer saw them at the counter."""
        if self.member(code).get("status") != "pending":
            raise InvalidInput(f"the member {code} is not waiting to be activated")
        return self.edit_member(code, status="active")

    def forget_history(self, code: str) -> None:
        """The member's returned loans and ended holds forget them now, in the log too."""
        self.member(code)
        self._write("member.history_forgotten", f"member:{code}", {"code": code, "at": self.today().isoformat()})

    def list_members(self) -> list[dict[str, Any]]:
        return self._query(
            "SELECT * FROM members WHERE library = ? AND name IS NOT NULL ORDER BY name, code", (self.library["slug"],))


def _check_member(fields: dict[str, Any]) -> None:
    check_member_values(fields)
    if fields.get("status") is not None and fields["status"] not in MEMBER_STATUSES:
        raise InvalidInput(f"member status must be one of {', '.join(MEMBER_STATUSES)}")
