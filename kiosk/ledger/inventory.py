"""Inventory checks: the tools seen on the shelves, kept in the log until the check is finished
or discarded, so going home, idling or a restart lose nothing. One check is open at a time; the
library's kiosks share it."""

from __future__ import annotations

import re
from typing import Any

from kiosk.ledger.catalog import Catalog
from kiosk.ledger.errors import InvalidInput, NotFound
from kiosk.ledger.ids import uuid7
from kiosk.ledger.store import write_transaction


class Inventory(Catalog):
    def open_inventory(self) -> dict[str, Any] | None:
        """The check under way, with ``seen`` (the codes of tools scanned in it); None when none is."""
        rows = self._query("""SELECT * FROM inventories WHERE library = ? AND status = 'open'
                              ORDER BY started_hlc DESC, started_device DESC LIMIT 1""", (self.library["slug"],))
        return self._with_seen(rows[0]) if rows else None

    def inventory(self, inventory_id: str) -> dict[str, Any]:
        rows = self._query("SELECT * FROM inventories WHERE id = ? AND library = ?", (inventory_id, self.library["slug"]))
        if not rows:
            raise NotFound(f"no inventory check {inventory_id}")
        return self._with_seen(rows[0])

    def _with_seen(self, row: dict[str, Any]) -> dict[str, Any]:
        seen = self._query("SELECT tool_code FROM inventory_seen WHERE inventory_id = ?", (row["id"],))
        return {**row, "seen": {r["tool_code"] for r in seen}}

    def start_inventory(self) -> dict[str, Any]:
        """The open check, or a new one when none is open."""
        with self._lock, write_transaction(self._conn, self.path):
            current = self.open_inventory()
            if current is not None:
                return current
            inventory_id = uuid7()
            self._append("inventory.started", f"inventory:{inventory_id}",
                         {"inventory_id": inventory_id, "at": self.today().isoformat()})
        return self.inventory(inventory_id)

    def inventory_seen(self, inventory_id: str, tool_code: str) -> bool:
        """Records the tool as on its shelf; False when this check had it already (nothing written)."""
        with self._lock, write_transaction(self._conn, self.path):
            check = self._open(inventory_id)
            if self._tool_row(tool_code) is None:
                raise NotFound(f"no tool has the code {tool_code}")
            if tool_code in check["seen"]:
                return False
            self._append("inventory.seen", f"inventory:{inventory_id}", {"inventory_id": inventory_id, "tool": tool_code})
        return True

    def end_inventory(self, inventory_id: str, *, discard: bool = False) -> dict[str, Any]:
        """Finishes the check (its result stands) or discards it."""
        with self._lock, write_transaction(self._conn, self.path):
            self._open(inventory_id)
            self._append("inventory.discarded" if discard else "inventory.finished", f"inventory:{inventory_id}",
                         {"inventory_id": inventory_id, "at": self.today().isoformat()})
        return self.inventory(inventory_id)

    def _open(self, inventory_id: str) -> dict[str, Any]:
        check = self.inventory(inventory_id)
        if check["status"] != "open":
            raise InvalidInput(f"the inventory check {inventory_id} is {check['status']} already")
        return check

    def inventory_missing(self, inventory_id: str) -> list[dict[str, Any]]:
        """Tools that should be on the shelves (available) and were not seen, in shelf order."""
        seen = self.inventory(inventory_id)["seen"]
        missing = [t for t in self.list_tools(status="available") if t["code"] not in seen]
        return sorted(missing, key=shelf_order)


def shelf_order(tool: dict[str, Any]) -> tuple:
    """Shelf A2 before A10, tools with no shelf last; then by name and code."""
    shelf = (tool.get("shelf") or "").strip().lower()
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.findall(r"\d+|\D+", shelf))
    return (not shelf, parts, (tool.get("name") or "").lower(), tool["code"])
