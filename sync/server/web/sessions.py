"""Signed session cookies backed by a server-side row, so logging out really ends them.

The cookie carries a random token signed with the server's secret key
(itsdangerous, with its timestamp); the database keeps only the token's
SHA-256. A session ends at the first of: logout, its maximum age, or a spell
of inactivity longer than the idle timeout.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Callable

from itsdangerous import BadSignature, URLSafeTimedSerializer

from sync.server.web import accounts
from sync.server.web.accounts import Account
from sync.server.web.db import WebDB


@dataclass(frozen=True)
class Session:
    account: Account
    token_hash: str
    csrf_secret: str


class Sessions:
    def __init__(self, db: WebDB, secret_key: str, *, max_age: int, idle_timeout: int, now: Callable[[], float]):
        self._db = db
        self._signer = URLSafeTimedSerializer(secret_key, salt="toolkiosk-web-session")
        self.max_age = max_age
        self.idle_timeout = idle_timeout
        self._now = now

    def start(self, account: Account) -> tuple[str, Session]:
        """A new session for the account: (cookie value, session)."""
        token = secrets.token_urlsafe(32)
        session = Session(account, _hash(token), secrets.token_urlsafe(32))
        now = self._now()
        self._db.execute(
            "INSERT INTO sessions (token_hash, account_id, csrf_secret, created_at, last_seen) VALUES (?, ?, ?, ?, ?)",
            (session.token_hash, account.id, session.csrf_secret, now, now))
        return self._signer.dumps(token), session

    def load(self, cookie: str | None) -> Session | None:
        """The live session a cookie names, its idle clock restarted; None when forged, ended or expired."""
        if not cookie:
            return None
        try:
            token = self._signer.loads(cookie, max_age=self.max_age + 60)  # the row decides; this bounds replay
        except BadSignature:
            return None
        token_hash, now = _hash(token), self._now()
        row = self._db.one("SELECT * FROM sessions WHERE token_hash = ?", (token_hash,))
        if row is None:
            return None
        if now - row["created_at"] > self.max_age or now - row["last_seen"] > self.idle_timeout:
            self.end(token_hash)
            return None
        account = accounts.get(self._db, row["account_id"])
        if account is None:
            return None
        self._db.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", (now, token_hash))
        return Session(account, token_hash, row["csrf_secret"])

    def end(self, token_hash: str) -> None:
        self._db.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))

    def purge_expired(self) -> int:
        now = self._now()
        return self._db.execute("DELETE FROM sessions WHERE created_at < ? OR last_seen < ?",
                                (now - self.max_age, now - self.idle_timeout)).rowcount


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
