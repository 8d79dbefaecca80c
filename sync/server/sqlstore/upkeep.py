"""Upkeep: borrowers of loans and holds forgotten once each library's retention period is over."""

from __future__ import annotations

import json
import logging
from datetime import date
from typing import Any

from kiosk.ledger import rules
from sync import protocol
from sync.server.sqlstore.core import SQLCore, kept_counts

log = logging.getLogger(__name__)


class Upkeep(SQLCore):
    def forget_old_borrowers(self, today: date) -> int:
        forgotten = 0
        with self.db.read() as tx:
            libraries = tx.rows("SELECT slug, retention_days FROM libraries")
        for lib in libraries:
            try:
                forgotten += self._forget_in(lib, today)
            except Exception:  # one library's bad data is reported and skipped; the others are still forgotten
                log.exception("forgetting old borrowers failed for library %s; the other libraries go on", lib["slug"])
        return forgotten

    def _forget_in(self, lib: dict[str, Any], today: date) -> int:
        """Forgets the old borrowers of one library in one transaction; returns how many loans and holds."""
        settings = {} if lib["retention_days"] is None else {"retention_days": lib["retention_days"]}
        cutoff = rules.forget_before(today, settings).isoformat()
        with self.db.write(lib["slug"]) as tx:
            loans = tx.rows("""SELECT id, opened_event FROM loans WHERE library = ? AND forgotten = 0
                               AND closed_at IS NOT NULL AND closed_at < ? AND opened_event IS NOT NULL""",
                            (lib["slug"], cutoff))
            tx.many("UPDATE loans SET forgotten = 1 WHERE id = ?", [(loan["id"],) for loan in loans])
            holds = tx.rows("""SELECT id, placed_event FROM holds WHERE library = ? AND forgotten = 0
                               AND status IN ('picked_up', 'cancelled', 'expired') AND ended_at < ?
                               AND placed_event IS NOT NULL""", (lib["slug"], cutoff))
            for event_id in [loan["opened_event"] for loan in loans] + [hold["placed_event"] for hold in holds]:
                row = tx.one("SELECT type, payload FROM events WHERE id = ?", (event_id,))
                payload = json.loads(row["payload"])
                if row["type"] == "loan.opened" and payload.get("member") and "borrower" not in payload:
                    payload["borrower"] = kept_counts(tx, lib["slug"], payload["member"])
                payload = protocol.redact_member(payload)
                tx.run("UPDATE events SET payload = ? WHERE id = ?", (protocol.payload_text(payload), event_id))
            tx.many("UPDATE holds SET forgotten = 1, member = NULL WHERE id = ?", [(h["id"],) for h in holds])
        return len(loans) + len(holds)

