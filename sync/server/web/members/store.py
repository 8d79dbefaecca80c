"""The member pages' own tables in the web database: sign-in links, member sessions, request counts.

Kept in the server's database (never in process memory) so every worker sees the same links,
sessions and limits, and a restart forgets nothing. None of it reaches a kiosk.
"""

from __future__ import annotations

from sync.server.web.db import WebDB

SCHEMA = (
    # one row per sign-in message: the link's token and the code are stored only as digests
    """CREATE TABLE IF NOT EXISTS member_links (
        token_hash TEXT PRIMARY KEY, code_mac TEXT NOT NULL,
        library TEXT NOT NULL, member_code TEXT NOT NULL, address TEXT NOT NULL,
        created_at REAL NOT NULL, expires_at REAL NOT NULL, used_at REAL,
        tries INTEGER NOT NULL DEFAULT 0        -- wrong codes typed for it; the code dies at CODE_TRIES
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS member_links_address ON member_links (library, address, expires_at)",
    """CREATE TABLE IF NOT EXISTS member_sessions (
        token_hash TEXT PRIMARY KEY, library TEXT NOT NULL, member_code TEXT NOT NULL,
        csrf_secret TEXT NOT NULL, created_at REAL NOT NULL, last_seen REAL NOT NULL
    ) WITHOUT ROWID""",
    # sign-in and sign-up requests, by 'address:..', 'client:..' or 'signup:..', for the rate limits
    "CREATE TABLE IF NOT EXISTS member_requests (key TEXT NOT NULL, at REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS member_requests_key ON member_requests (key, at)",
)


def create_tables(db: WebDB) -> None:
    for statement in SCHEMA:
        db.execute(statement)


def count(db: WebDB, key: str, since: float) -> int:
    return db.one("SELECT count(*) AS n FROM member_requests WHERE key = ? AND at >= ?", (key, since))["n"]


def note(db: WebDB, key: str, now: float, window: float) -> None:
    db.execute("INSERT INTO member_requests (key, at) VALUES (?, ?)", (key, now))
    db.execute("DELETE FROM member_requests WHERE at < ?", (now - 4 * window,))
