"""Login throttling: too many failures for one account from one client, from one client for any
account, or for one account from everywhere, and login waits.

Failures are counted in a sliding window, in the web database so every server
worker sees the same counts. The tight limit is per client address and email
together, so failing from one place never locks a coordinator out of another;
the per-email limit counts failures from everywhere and is far larger, against
a guess spread over many addresses. While a key is over its limit no password
is even checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sync.server.web.db import WebDB


@dataclass(frozen=True)
class Limits:
    window: int = 15 * 60       # seconds
    per_client_email: int = 5   # one account from one address
    per_client: int = 20        # any accounts from one address
    per_email: int = 100        # one account from all addresses together


class LoginThrottle:
    def __init__(self, db: WebDB, limits: Limits, now: Callable[[], float]):
        self._db = db
        self.limits = limits
        self._now = now

    def retry_after(self, email: str, client: str) -> int:
        """Seconds to wait before trying again; 0 when a try is allowed now."""
        keys = _keys(email, client)
        waits = [self._wait(keys["pair"], self.limits.per_client_email),
                 self._wait(keys["ip"], self.limits.per_client),
                 self._wait(keys["email"], self.limits.per_email)]
        return max(waits)

    def failed(self, email: str, client: str) -> None:
        now = self._now()
        for key in _keys(email, client).values():
            self._db.execute("INSERT INTO login_failures (key, at) VALUES (?, ?)", (key, now))
        self._db.execute("DELETE FROM login_failures WHERE at < ?", (now - self.limits.window,))

    def succeeded(self, email: str, client: str) -> None:
        """The right password from this address: its own failures for this account are forgiven."""
        self._db.execute("DELETE FROM login_failures WHERE key = ?", (_keys(email, client)["pair"],))

    def _wait(self, key: str, limit: int) -> int:
        since = self._now() - self.limits.window
        rows = self._db.query("SELECT at FROM login_failures WHERE key = ? AND at >= ? ORDER BY at DESC LIMIT ?",
                              (key, since, limit))
        if len(rows) < limit:
            return 0
        return max(1, int(rows[-1]["at"] - since) + 1)  # until the oldest counted failure leaves the window


def _keys(email: str, client: str) -> dict[str, str]:
    email = email.strip().lower()
    return {"pair": f"pair:{client}|{email}", "ip": f"ip:{client}", "email": f"email:{email}"}
