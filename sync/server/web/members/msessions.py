"""Members' sessions: a signed cookie naming a server-side row, so signing out really ends it.

Separate from the coordinators' sessions: a member session can only ever read
and change that one member's own record in that one library.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Callable

from itsdangerous import BadSignature, URLSafeTimedSerializer

from sync.server.web.db import WebDB

MAX_AGE = 12 * 3600
IDLE = 2 * 3600


@dataclass(frozen=True)
class MemberSession:
    library: str
    member_code: str
    token_hash: str
    csrf_secret: str


class MemberSessions:
    def __init__(self, db: WebDB, secret_key: str, now: Callable[[], float]):
        self._db = db
        self._signer = URLSafeTimedSerializer(secret_key, salt="toolkiosk-member-session")
        self._now = now

    def start(self, library: str, member_code: str) -> str:
        """A new session; returns the cookie value."""
        token = secrets.token_urlsafe(32)
        now = self._now()
        self._db.execute(
            """INSERT INTO member_sessions (token_hash, library, member_code, csrf_secret, created_at, last_seen)
               VALUES (?, ?, ?, ?, ?, ?)""", (_hash(token), library, member_code, secrets.token_urlsafe(32), now, now))
        self._db.execute("DELETE FROM member_sessions WHERE created_at < ? OR last_seen < ?",
                         (now - MAX_AGE, now - IDLE))
        return self._signer.dumps(token)

    def load(self, cookie: str | None) -> MemberSession | None:
        if not cookie:
            return None
        try:
            token = self._signer.loads(cookie, max_age=MAX_AGE + 60)
        except BadSignature:
            return None
        now = self._now()
        row = self._db.one("SELECT * FROM member_sessions WHERE token_hash = ?", (_hash(token),))
        if row is None or now - row["created_at"] > MAX_AGE or now - row["last_seen"] > IDLE:
            return None
        self._db.execute("UPDATE member_sessions SET last_seen = ? WHERE token_hash = ?", (now, row["token_hash"]))
        return MemberSession(row["library"], row["member_code"], row["token_hash"], row["csrf_secret"])

    def end(self, token_hash: str) -> None:
        self._db.execute("DELETE FROM member_sessions WHERE token_hash = ?", (token_hash,))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
