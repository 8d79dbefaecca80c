"""Privacy: borrowers forgotten once the retention period is over."""

from __future__ import annotations

from datetime import date

from kiosk.ledger import rules
from kiosk.ledger.settings import Settings
from kiosk.ledger.store import write_transaction


class Privacy(Settings):
    def forget_old_borrowers(self, today: date | None = None) -> int:
        """Returned loans older than the retention period forget who borrowed them, in the log too."""
        cutoff = rules.forget_before(today or self.today(), self.settings).isoformat()
        with self._lock, write_transaction(self._conn, self.path):
            ids = [r["id"] for r in self._conn.execute(
                "SELECT id FROM loans WHERE member_code IS NOT NULL AND closed_by IS NOT NULL AND closed_at < ? AND library = ?",
                (cutoff, self.library["slug"]))]
            for loan_id in ids:
                self._conn.execute(
                    "UPDATE events SET payload = json_set(payload, '$.member', NULL) WHERE entity = ? AND type = 'loan.opened'",
                    (f"loan:{loan_id}",))
                self._conn.execute("UPDATE loans SET member_code = NULL WHERE id = ?", (loan_id,))
        return len(ids)
