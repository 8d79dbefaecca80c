"""What the screens ask of the ledger about holds; ``KioskService`` is built on it. No Kivy here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.ledger import Ledger

# refusals a waiting list answers: the tool is out, or kept for someone else
HOLDABLE = ("on_loan", "held_for_another")


class HoldService:
    ledger: Ledger
    home: Path

    def place_hold(self, member_code: str, tool_code: str, any_copy: bool = False) -> dict[str, Any]:
        return self.ledger.place_hold(member_code, tool_code, any_copy=any_copy)

    def cancel_hold(self, hold_id: str) -> dict[str, Any]:
        return self.ledger.cancel_hold(hold_id)

    def member_holds(self, member_code: str) -> list[dict[str, Any]]:
        """The member's holds still open: on the hold shelf first, then by place in line."""
        return [h for h in self.ledger.holds(member_code=member_code, current_only=True)
                if h["status"] in ("waiting", "ready")]

    def ready_holds(self, member_code: str) -> list[dict[str, Any]]:
        return self.ledger.holds_ready_for(member_code)

    def waiting_count(self, tool_code: str) -> int:
        return self.ledger.waiting_count(tool_code)

    def copy_count(self, tool: dict[str, Any]) -> int:
        return len(self.ledger._copies(tool))

    def hold_shelf(self) -> list[dict[str, Any]]:
        return self.ledger.hold_shelf()

    def work_shelf_item(self, item: dict[str, Any]) -> dict[str, Any] | None:
        """Does what the hold shelf says for an item; returns the hold the tool now waits for, if any."""
        if item["action"] == "set_aside":
            return self.ledger.set_aside_next(item["tool_code"])
        return self.ledger.expire_hold(item["hold_id"])["passed_to"]

    def print_hold_slip(self, hold: dict[str, Any], title: str) -> Path:
        """A slip for the tool on the hold shelf: the tool's barcode and whose it is (``title``), drawn
        into <home>/labels/ and handed to the label printer where one is set up."""
        from kiosk.labels import LabelText, get_stock, write_labels

        folder = self.home / "labels"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"hold-{hold['id']}.png"
        write_labels([LabelText(hold["tool_code"], title, self.ledger.library["name"])],
                     get_stock(self.local("label_stock")), path)
        self._print(self.local("label_command"), path)
        return path
