"""Privacy: borrowers forgotten once the retention period is over."""

from __future__ import annotations

import sqlite3
from datetime import date

from kiosk.ledger import rules
from kiosk.ledger.projections import keep_report_counts
from kiosk.ledger.settings import Settings
from kiosk.ledger.store import write_transaction


class Privacy(Settings):
    def forget_old_borrowers(self, today: date | None = None) -> int:
        """Returned loans and ended holds older than the retention period forget whose they were,
        in the log too; returns how many loans and holds forgot."""
        cutoff = rules.forget_before(today or self.today(), self.settings).isoformat()
        with self._lock, write_transaction(self._conn, self.path):
            return forget_before(self._conn, self.library["slug"], cutoff)


def forget_before(conn: sqlite3.Connection, library: str, cutoff: str) -> int:
    """Inside a write: loans returned and holds ended before ``cutoff`` forget their member, in the
    derived tables and in the events that named them (a kiosk's ledger and the server's views alike)."""
    loans = [r["id"] for r in conn.execute(
        "SELECT id FROM loans WHERE member_code IS NOT NULL AND closed_by IS NOT NULL AND closed_at < ? AND library = ?",
        (cutoff, library))]
    holds = [r["id"] for r in conn.execute(
        """SELECT id FROM holds WHERE member_code IS NOT NULL AND status IN ('picked_up', 'cancelled', 'expired')
           AND ended_at < ? AND library = ?""", (cutoff, library))]
    keep_report_counts(conn, loans)
    for table, opening, entity, ids in (("loans", "loan.opened", "loan", loans), ("holds", "hold.placed", "hold", holds)):
        for row_id in ids:
            conn.execute("UPDATE events SET payload = json_set(payload, '$.member', NULL) WHERE entity = ? AND type = ?",
                         (f"{entity}:{row_id}", opening))
            conn.execute(f"UPDATE {table} SET member_code = NULL WHERE id = ?", (row_id,))
    return len(loans) + len(holds)
