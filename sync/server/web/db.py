"""The web pages' own tables: accounts, sessions, login failures, reminder settings and log, secrets.

None of this is part of the event log: it is server-side state of the pages,
kept apart so a kiosk never receives a password hash or a session.

On SQLite it is a file of its own beside the server's data (every worker on
that host shares it). On PostgreSQL it is tables in the server's own database,
so any server process on any host answers any request: a session started on
one is known to the others, and so are login failures and the reminder log.
The pages' SQL is written for SQLite; ``PostgresWebDB`` translates the few
dialect differences (placeholders, types, ``INSERT OR REPLACE``, row ids).
"""

from __future__ import annotations

import contextlib
import re
import secrets
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterator, Sequence

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY,
    library TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,   -- looked up as lower(email)
    role TEXT NOT NULL CHECK (role IN ('coordinator', 'volunteer')),
    password_hash TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS accounts_email_lower ON accounts (lower(email));

-- what every server process must agree on, such as the key that signs cookies
CREATE TABLE IF NOT EXISTS web_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

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

-- a library that agrees to add its impact report figures (counts only) to its partners' combined report
CREATE TABLE IF NOT EXISTS report_sharing (
    library TEXT PRIMARY KEY, shared INTEGER NOT NULL,
    changed_at REAL NOT NULL, changed_by TEXT NOT NULL
) WITHOUT ROWID;

-- reminders: consent recorded before the member record carried it (see reminders/optins.py)
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


class Duplicate(sqlite3.IntegrityError):
    """A row a unique key already has, on either database (callers catch ``sqlite3.IntegrityError``)."""


class Result:
    """What a statement gave: its rows, the number of rows changed, the id of a row inserted."""

    def __init__(self, rows: list[Any], rowcount: int, lastrowid: int | None):
        self._rows, self.rowcount, self.lastrowid = rows, rowcount, lastrowid

    def fetchall(self) -> list[Any]:
        return self._rows

    def fetchone(self) -> Any | None:
        return self._rows[0] if self._rows else None


class WebDB:
    """One SQLite connection shared by the server's threads, used under a lock."""

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

    def secret(self, name: str, seed: str | None = None) -> str:
        """A random secret every server process shares, made once (from ``seed`` when given)."""
        self.execute("INSERT OR IGNORE INTO web_secrets (name, value) VALUES (?, ?)",
                     (name, seed or secrets.token_urlsafe(48)))
        return self.one("SELECT value FROM web_secrets WHERE name = ?", (name,))["value"]


def open_web_db(path: Path, database_url: str | None = None) -> WebDB:
    """The pages' tables in the server's PostgreSQL when it runs on one, else in the SQLite file ``path``."""
    return PostgresWebDB(database_url) if database_url else WebDB(path)


_TYPES = ((re.compile(r"\bINTEGER PRIMARY KEY\b"), "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
          (re.compile(r"\bINTEGER\b"), "BIGINT"), (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
          (re.compile(r"\s*\bCOLLATE NOCASE\b"), ""), (re.compile(r"\)\s*WITHOUT ROWID"), ")"))
_CREATE = re.compile(r"^\s*CREATE TABLE IF NOT EXISTS (\w+)\s*\((.*)\)\s*(?:WITHOUT ROWID)?\s*$", re.S | re.I)
_INSERT = re.compile(r"^\s*INSERT OR (REPLACE|IGNORE) INTO (\w+)\s*\(([^)]*)\)(.*)$", re.S | re.I)
_INSERT_INTO = re.compile(r"^\s*INSERT INTO (\w+)\b", re.I)


class PostgresWebDB(WebDB):
    """The same tables and statements on PostgreSQL, through a small pool of connections."""

    def __init__(self, url: str):
        from sync.server.db import PostgresDatabase, postgres_url

        driver_url, schema_name = postgres_url(url)
        self.path = url
        self._pg = PostgresDatabase(driver_url, schema_name=schema_name, pool_size=4, migrate=False)
        self._keys: dict[str, list[str]] = {}      # table -> primary key columns, for INSERT OR REPLACE
        self._with_id: set[str] = set()            # tables whose rows get an id, for lastrowid
        self._in_tx = threading.local()
        with self.transaction() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(?)", (SCHEMA_LOCK,))  # processes starting at once
            for statement in _statements(SCHEMA):
                conn.execute(statement)

    def query(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        return self.execute(sql, args).fetchall()

    def execute(self, sql: str, args: Sequence[Any] = ()) -> Result:  # type: ignore[override]
        conn = getattr(self._in_tx, "conn", None)
        if conn is not None:
            return conn.execute(sql, args)
        if sql.lstrip()[:6].upper() == "CREATE":  # tables of other modules, made by processes starting at once
            with self.transaction() as conn:
                conn.execute("SELECT pg_advisory_xact_lock(?)", (SCHEMA_LOCK,))
                return conn.execute(sql, args)
        with self._pg.connection() as raw:
            return _PostgresConnection(self, raw).execute(sql, args)

    @contextlib.contextmanager
    def transaction(self) -> Iterator["_PostgresConnection"]:  # type: ignore[override]
        with self._pg.connection() as raw:
            conn = _PostgresConnection(self, raw)
            self._in_tx.conn = conn
            try:
                with raw.transaction():
                    yield conn
            finally:
                self._in_tx.conn = None

    def close(self) -> None:
        self._pg.close()

    def translate(self, sql: str) -> tuple[str, bool]:
        """(the statement in PostgreSQL's words, whether it returns the inserted row's id)."""
        sql = sql.replace("%", "%%").replace("?", "%s")
        create = _CREATE.match(sql)
        if create:
            self._learn(create.group(1), create.group(2))
            for pattern, replacement in _TYPES:
                sql = pattern.sub(replacement, sql)
            return sql, False
        insert = _INSERT.match(sql)
        if insert:
            how, table, columns, tail = insert.groups()
            sql = f"INSERT INTO {table} ({columns}){tail}"
            if how.upper() == "IGNORE":
                sql += " ON CONFLICT DO NOTHING"
            else:
                key = self._keys[table]
                updates = [c.strip() for c in columns.split(",") if c.strip() not in key]
                sql += f" ON CONFLICT ({', '.join(key)}) DO " + (
                    "UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in updates) if updates else "NOTHING")
        into = _INSERT_INTO.match(sql)
        if into and into.group(1) in self._with_id and "RETURNING" not in sql.upper():
            return sql + " RETURNING id", True
        return sql, False

    def _learn(self, table: str, body: str) -> None:
        columns = [line.strip() for line in re.sub(r"--[^\n]*", "", body).split(",")]
        key = re.search(r"PRIMARY KEY\s*\(([^)]*)\)", body)
        if key:
            self._keys[table] = [c.strip() for c in key.group(1).split(",")]
        for column in columns:
            if re.search(r"\bPRIMARY KEY\b", column) and not column.upper().startswith("PRIMARY KEY"):
                name = column.split()[0]
                self._keys[table] = [name]
                if name == "id" and re.search(r"\bINTEGER PRIMARY KEY\b", column):
                    self._with_id.add(table)


class _PostgresConnection:
    """``execute`` on one PostgreSQL connection, answering as sqlite3 would."""

    def __init__(self, db: PostgresWebDB, raw: Any):
        self._db, self._raw = db, raw

    def execute(self, sql: str, args: Sequence[Any] = ()) -> Result:
        import psycopg

        text, returns_id = self._db.translate(sql)
        cursor = self._raw.cursor()
        try:
            cursor.execute(text, tuple(args))
        except psycopg.errors.IntegrityError as exc:
            raise Duplicate(str(exc)) from exc
        rows = cursor.fetchall() if cursor.description else []
        return Result(rows, cursor.rowcount, rows[0]["id"] if returns_id and rows else None)


SCHEMA_LOCK = 0x746B7765  # pg_advisory_xact_lock key held while the pages' tables are created


def _statements(script: str) -> list[str]:
    """The statements of a script, comments removed (they may hold semicolons)."""
    return [s.strip() for s in re.sub(r"--[^\n]*", "", script).split(";") if s.strip()]
