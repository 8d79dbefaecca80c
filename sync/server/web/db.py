"""The web pages' own SQLite file: accounts, sessions, login failures, reminder settings and log.

None of this is part of the event log: it is server-side state of the pages,
kept apart so a kiosk never receives a password hash or a session.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path
from typing import Iterator

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY,
    library TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role TEXT NOT NULL CHECK (role IN ('coordinator', 'volunteer')),
    password_hash TEXT NOT NULL,
    created_at REAL NOT NULL
);

CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,          -- sha256 of the random token the cookie carries
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_secret TEXT NOT NULL,
    created_at REAL NOT NULL,
    last_seen REAL NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS login_failures (
    key TEXT NOT NULL,                    -- 'email:<address>' or 'ip:<address>'
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures (key, at);

-- reminders: per-member opt-in (the kiosk's member record has no such field yet)
-- a library that agrees to add its impact report figures (counts only) to its partners' combined report
CREATE TABLE IF NOT EXISTS report_sharing (
    library TEXT PRIMARY KEY, shared INTEGER NOT NULL,
    changed_at REAL NOT NULL, changed_by TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS reminder_optins (
    library TEXT NOT NULL, member_code TEXT NOT NULL,
    email INTEGER NOT NULL DEFAULT 0, sms INTEGER NOT NULL DEFAULT 0,
    changed_at REAL NOT NULL, changed_by TEXT NOT NULL,
    PRIMARY KEY (library, member_code)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS reminder_settings (
    library TEXT PRIMARY KEY,
    settings TEXT NOT NULL                -- JSON; see reminders/settings.py
) WITHOUT ROWID;

-- one row per message; the unique index allows one a member a day (a failed one may be retried)
CREATE TABLE IF NOT EXISTS reminder_log (
    id INTEGER PRIMARY KEY,
    library TEXT NOT NULL, member_code TEXT NOT NULL, day TEXT NOT NULL,
    kind TEXT NOT NULL, channel TEXT NOT NULL, recipient TEXT NOT NULL,
    subject TEXT, body TEXT NOT NULL,
    status TEXT NOT NULL,                 -- sending | sent | logged | failed
    error TEXT, at REAL NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS reminder_log_daily ON reminder_log (library, member_code, day)
    WHERE status != 'failed';
CREATE INDEX IF NOT EXISTS reminder_log_recent ON reminder_log (library, at);

-- which loans (and at which due date) a message reminded of, so each is reminded on schedule
CREATE TABLE IF NOT EXISTS reminder_items (
    message_id INTEGER NOT NULL REFERENCES reminder_log (id) ON DELETE CASCADE,
    loan_id TEXT NOT NULL, kind TEXT NOT NULL, due TEXT NOT NULL, day TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reminder_items_loan ON reminder_items (loan_id, kind, day);

-- pickup notices: one for each time a hold is set aside (a failed one may be retried)
CREATE TABLE IF NOT EXISTS pickup_notices (
    id INTEGER PRIMARY KEY,
    library TEXT NOT NULL, hold_id TEXT NOT NULL, set_aside TEXT NOT NULL,
    member_code TEXT NOT NULL, channel TEXT NOT NULL, recipient TEXT NOT NULL,
    subject TEXT, body TEXT NOT NULL,
    status TEXT NOT NULL,                 -- sending | sent | logged | failed
    error TEXT, at REAL NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS pickup_notices_once ON pickup_notices (library, hold_id, set_aside)
    WHERE status != 'failed';

-- the public catalog: shown or switched off, partners' tools with it or not (see public/settings.py)
CREATE TABLE IF NOT EXISTS public_catalog_settings (
    library TEXT PRIMARY KEY,
    settings TEXT NOT NULL                -- JSON
) WITHOUT ROWID;
"""


class WebDB:
    """One connection shared by the server's threads, used under a lock."""

    def __init__(self, path: Path | str):
        self.path = path
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._conn.execute("PRAGMA busy_timeout = 10000")
        if str(path) != ":memory:":
            self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA foreign_keys = ON")
        self._conn.executescript(SCHEMA)

    def query(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    def one(self, sql: str, args: tuple = ()) -> sqlite3.Row | None:
        rows = self.query(sql, args)
        return rows[0] if rows else None

    def execute(self, sql: str, args: tuple = ()) -> sqlite3.Cursor:
        with self._lock:
            return self._conn.execute(sql, args)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT under the lock; nothing is kept on failure."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        with self._lock:
            self._conn.close()
