"""Jobs that run once across every server process: a lease row per job in the shared database."""

from __future__ import annotations

from sync.server.sqlstore.core import SQLCore


class Jobs(SQLCore):
    def take_turn(self, job: str, holder: str, every_s: float) -> bool:
        """True when ``holder`` may run ``job`` now: nobody took it within the last ``every_s`` seconds.
        The turn is taken in the same statement that checks it, so two processes never both get it."""
        now = self._now()
        with self.db.write() as tx:
            return tx.run("""INSERT INTO job_leases (name, holder, until_ms) VALUES (?, ?, ?)
                             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms
                             WHERE job_leases.until_ms <= ?""", (job, holder, now + int(every_s * 1000), now)) == 1
