"""Privacy: borrowers forgotten once the retention period is over."""

from __future__ import annotations

from datetime import date

from kiosk.ledger import rules
from kiosk.ledger.settings import Settings
from kiosk.ledger.store import write_transaction


class Privacy(Settings):
    def forget_old_borrowers(self, today: date | None = None) -> int:
        """Returned loans and ended holds older than the retention period forget whose they were,
        in the log too; returns how many loans and holds forgot."""
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
            holds = [r["id"] for r in self._conn.execute(
                """SELECT id FROM holds WHERE member_code IS NOT NULL AND status IN ('picked_up', 'cancelled', 'expired')
                   AND ended_at < ? AND library = ?""", (cutoff, self.library["slug"]))]
            for hold_id in holds:
                self._conn.execute(
                    "UPDATE events SET payload = json_set(payload, '$.member', NULL) WHERE entity = ? AND type = 'hold.placed'",
                    (f"hold:{hold_id}",))
                self._conn.execute("UPDATE holds SET member_code = NULL WHERE id = ?", (hold_id,))
        return len(ids) + len(holds)
