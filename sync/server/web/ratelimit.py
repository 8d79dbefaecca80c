"""Login throttling: too many failures for one address or from one client, and login waits.

Failures are counted in a sliding window, per email address and per client
address, in the web database so every server worker sees the same counts.
While a key is over its limit no password is even checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sync.server.web.db import WebDB


@dataclass(frozen=True)
class Limits:
    window: int = 15 * 60       # seconds
    per_email: int = 5
    per_client: int = 20


class LoginThrottle:
    def __init__(self, db: WebDB, limits: Limits, now: Callable[[], float]):
        self._db = db
        self.limits = limits
        self._now = now

    def retry_after(self, email: str, client: str) -> int:
        """Seconds to wait before trying again; 0 when a try is allowed now."""
        waits = [self._wait(f"email:{email.strip().lower()}", self.limits.per_email),
                 self._wait(f"ip:{client}", self.limits.per_client)]
        return max(waits)

    def failed(self, email: str, client: str) -> None:
        now = self._now()
        for key in (f"email:{email.strip().lower()}", f"ip:{client}"):
            self._db.execute("INSERT INTO login_failures (key, at) VALUES (?, ?)", (key, now))
        self._db.execute("DELETE FROM login_failures WHERE at < ?", (now - self.limits.window,))

    def succeeded(self, email: str) -> None:
        self._db.execute("DELETE FROM login_failures WHERE key = ?", (f"email:{email.strip().lower()}",))

    def _wait(self, key: str, limit: int) -> int:
        since = self._now() - self.limits.window
        rows = self._db.query("SELECT at FROM login_failures WHERE key = ? AND at >= ? ORDER BY at DESC LIMIT ?",
                              (key, since, limit))
        if len(rows) < limit:
            return 0
        return max(1, int(rows[-1]["at"] - since) + 1)  # until the oldest counted failure leaves the window
