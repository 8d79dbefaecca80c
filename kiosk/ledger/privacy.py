"""Privacy: borrowers forgotten once the retention period is over."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

from kiosk.ledger import rules
from kiosk.ledger.impact import borrower_tag
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
    keep_report_counts(conn, library, loans)
    for table, opening, entity, ids in (("loans", "loan.opened", "loan", loans), ("holds", "hold.placed", "hold", holds)):
        for row_id in ids:
            conn.execute("UPDATE events SET payload = json_set(payload, '$.member', NULL) WHERE entity = ? AND type = ?",
                         (f"{entity}:{row_id}", opening))
            conn.execute(f"UPDATE {table} SET member_code = NULL WHERE id = ?", (row_id,))
    return len(loans) + len(holds)


def keep_report_counts(conn: sqlite3.Connection, library: str, loan_ids: list[str]) -> None:
    """Before loans forget their borrower: what the impact report counts of them, in the log and the
    table alike (an opaque key for counting distinct borrowers, their area and the day they joined),
    so the report gives the same figures afterwards and a rebuild keeps them."""
    for loan_id in loan_ids:
        row = conn.execute(
            """SELECT l.library, l.member_code, l.borrower_tag, m.area, m.joined FROM loans l
               LEFT JOIN members m ON m.library = l.library AND m.code = l.member_code WHERE l.id = ?""",
            (loan_id,)).fetchone()
        kept = {"tag": row["borrower_tag"] or borrower_tag(library, row["member_code"]), "area": row["area"], "joined": row["joined"]}
        conn.execute("UPDATE events SET payload = json_set(payload, '$.borrower', json(?)) WHERE entity = ? AND type = ?",
                     (json.dumps(kept), f"loan:{loan_id}", "loan.opened"))
        conn.execute("UPDATE loans SET borrower_tag = ?, borrower_area = ?, borrower_joined = ? WHERE id = ?",
                     (kept["tag"], kept["area"], kept["joined"], loan_id))
