"""Opening the SQLite file: WAL, durable commits, and SQLite's failures in plain words."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any, Iterator

from kiosk.ledger.errors import DiskFull, NotADatabase, ReadOnly, StorageError


class Connection(sqlite3.Connection):
    """The ledger's connection. ``kept`` holds values read inside the write transaction under way
    while this connection has changed no row since (``kept_at``, its count of changed rows then;
    ``LedgerCore._kept``). It is None outside a write transaction, and emptied by any rollback."""

    kept: dict[str, Any] | None = None
    kept_at = -1


def connect(path: Path) -> Connection:
    """A connection in WAL mode whose commits survive a power cut (synchronous=FULL)."""
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10, factory=Connection)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout = 10000")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal" and not str(path) == ":memory:":
            raise ReadOnly(f"cannot switch {path} to WAL mode (is the folder writable?)")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA cache_size = -16000")
        return conn
    except sqlite3.Error as exc:
        raise translate(exc, path) from None


def translate(exc: sqlite3.Error, path: Path | str) -> StorageError:
    message = str(exc).lower()
    if "not a database" in message or "malformed" in message or "corrupt" in message:
        return NotADatabase(f"{path} is not a readable Tool Library Kiosk database ({exc}); restore it from a backup")
    if "readonly" in message or "read-only" in message or "unable to open" in message or "permission" in message:
        return ReadOnly(f"cannot write to {path} ({exc}); check the disk and its permissions")
    if "full" in message or "disk i/o" in message:
        return DiskFull(f"no room to write {path} ({exc}); free some space, nothing was changed")
    return StorageError(f"database error in {path}: {exc}")


@contextlib.contextmanager
def write_transaction(conn: sqlite3.Connection, path: Path | str) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT; on any failure, nothing of it is kept.

    Inside a transaction already open (a batch), it is a savepoint instead: a
    refused step undoes only itself, and the batch commits or rolls back whole.
    """
    if conn.in_transaction:
        with _savepoint(conn, path):
            yield conn
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise translate(exc, path) from None
    _keep(conn, {})
    try:
        yield conn
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        _rollback(conn)
        raise translate(exc, path) from None
    except BaseException:
        _rollback(conn)
        raise
    finally:
        _keep(conn, None)


@contextlib.contextmanager
def _savepoint(conn: sqlite3.Connection, path: Path | str) -> Iterator[None]:
    conn.execute("SAVEPOINT step")
    try:
        yield
        conn.execute("RELEASE step")
    except BaseException as exc:
        _keep(conn, {})  # what was read since may have been undone
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK TO step")
            conn.execute("RELEASE step")
        if isinstance(exc, sqlite3.Error):
            raise translate(exc, path) from None
        raise


def _keep(conn: sqlite3.Connection, kept: dict[str, Any] | None) -> None:
    if isinstance(conn, Connection):
        conn.kept = kept


def _rollback(conn: sqlite3.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):
        conn.execute("ROLLBACK")
