"""Conflicts: what a coordinator settles, such as a tool lent at two kiosks while offline,
or set aside for two members at once."""

from __future__ import annotations

from typing import Any

from kiosk.ledger import limits
from kiosk.ledger.errors import InvalidInput, NotFound
from kiosk.ledger.lending import Lending
from kiosk.ledger.store import write_transaction


class Conflicts(Lending):
    def conflicts(self, *, include_resolved: bool = False) -> list[dict[str, Any]]:
        sql = "SELECT * FROM conflicts WHERE library = ?" + ("" if include_resolved else " AND status = 'open'")
        result = []
        for conflict in self._query(sql + " ORDER BY detected_hlc", (self.library["slug"],)):
            conflict["loans"] = [self.loan(i) for i in (conflict["loan_a"], conflict["loan_b"]) if i and self._has_loan(i)]
            conflict["holds"] = [self.hold(i) for i in (conflict["hold_a"], conflict["hold_b"]) if i and self._has_hold(i)]
            result.append(conflict)
        return result

    def _has_loan(self, loan_id: str) -> bool:
        return bool(self._query("SELECT 1 FROM loans WHERE id = ?", (loan_id,)))

    def _has_hold(self, hold_id: str) -> bool:
        return bool(self._query("SELECT 1 FROM holds WHERE id = ? AND placed_hlc IS NOT NULL", (hold_id,)))

    def resolve_conflict(self, conflict_id: str, resolution: str, note: str | None = None) -> dict[str, Any]:
        if not resolution.strip():
            raise InvalidInput("say how the conflict was settled")
        limits.check_note(resolution.strip(), "how the conflict was settled")
        limits.check_note(note, "the note")
        with self._lock, write_transaction(self._conn, self.path):
            if not self._conn.execute("SELECT 1 FROM conflicts WHERE id = ? AND library = ?",
                                      (conflict_id, self.library["slug"])).fetchone():
                raise NotFound(f"no conflict {conflict_id}")
            self._append("conflict.resolved", f"conflict:{conflict_id}",
                         {"conflict_id": conflict_id, "resolution": resolution.strip(), "note": note})
        return dict(self._query("SELECT * FROM conflicts WHERE id = ?", (conflict_id,))[0])
