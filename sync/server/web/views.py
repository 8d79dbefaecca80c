"""Per-library read models: the kiosk's own projections, fed from the server's events.

Each library gets a SQLite file with the kiosk ledger's schema. Its events
are copied in server order and applied with ``kiosk.ledger.projections``,
so the pages show exactly the tables a kiosk of that library would derive.
A cursor (the last server sequence applied) makes every refresh incremental;
deleting the file rebuilds it from the log.

One connection writes (refresh, under a lock); pages read through a small
pool of read-only connections, so readers see committed state and run side
by side (SQLite lets go of the interpreter while it works) instead of
queueing behind one another and behind a refresh.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import sqlite3
import threading
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator

from kiosk.ledger import projections, rules, schema
from kiosk.ledger.codes import LIBRARY_SLUG
from kiosk.ledger.events import Event
from kiosk.ledger.privacy import forget_before
from kiosk.ledger.store import connect, write_transaction
from sync.server.web.source import EventSource

BATCH = 1000
READERS = max(2, min(8, 2 * (os.cpu_count() or 1)))  # read connections per view: enough to keep every core busy
SLUG = LIBRARY_SLUG  # the kiosk's rule for library slugs; also a safe file name


class LibraryView:
    """One library's projection database; every read goes through ``query``."""

    def __init__(self, path: Path, library: str, source: EventSource):
        self.path = path
        self.library = library
        self._source = source
        self._lock = threading.RLock()
        self._conn = connect(path)
        schema.migrate(self._conn)
        self._readers: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()   # the idle ones
        self._pool_lock = threading.Lock()
        self._all_readers: list[sqlite3.Connection] = []   # every one made, at most READERS

    def close(self) -> None:
        with self._lock, self._pool_lock:
            self._conn.close()
            for conn in self._all_readers:
                conn.close()

    @property
    def cursor(self) -> int:
        rows = self.query("SELECT value FROM meta WHERE key = 'cursor'")
        return int(rows[0]["value"]) if rows else 0

    def refresh(self, today: date) -> int:
        """Applies the events that arrived since the last refresh; returns how many."""
        applied = 0
        with self._lock:
            while True:
                batch = self._source.events_after(self.library, int(self._meta("cursor") or 0), BATCH)
                if not batch:
                    break
                with write_transaction(self._conn, self.path):
                    for server_seq, event in batch:
                        applied += self._apply(server_seq, event)
                    self._conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('cursor', ?)",
                                       (str(batch[-1][0]),))
                if len(batch) < BATCH:
                    break
            if applied or self._meta("forgotten_on") != today.isoformat():
                self._forget_old_borrowers(today)
        return applied

    def _meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else None

    def _apply(self, server_seq: int, event: Event) -> int:
        if event.library != self.library:
            return 0  # never mix another library's data into this one
        inserted = self._conn.execute(
            """INSERT OR IGNORE INTO events (seq, id, library, device, device_seq, hlc, type, version, entity,
                   payload, server_seq, applied) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (server_seq, event.id, event.library, event.device, event.seq, event.hlc, event.type, event.version,
             event.entity, event.payload_text(), server_seq,
             int(event.known)),
        ).rowcount
        if inserted:
            projections.apply(self._conn, event)
        return inserted

    def _forget_old_borrowers(self, today: date) -> None:
        """Returned loans and ended holds past the retention period lose their borrower here too."""
        cutoff = rules.forget_before(today, self.settings()).isoformat()
        with write_transaction(self._conn, self.path):
            forget_before(self._conn, self.library, cutoff)
            self._conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('forgotten_on', ?)",
                               (today.isoformat(),))

    def settings(self) -> dict[str, Any]:
        stored = {r["key"]: json.loads(r["value"]) for r in
                  self.query("SELECT key, value FROM settings WHERE library = ?", (self.library,))}
        return {**rules.DEFAULT_SETTINGS, **{k: v for k, v in stored.items() if v is not None}}

    def query(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        """Rows as last committed; never waits for a refresh, only for a reader when all are busy."""
        conn = self._reader()
        try:
            return conn.execute(sql, args).fetchall()
        finally:
            self._readers.put(conn)

    def _reader(self) -> sqlite3.Connection:
        try:
            return self._readers.get_nowait()
        except queue.Empty:
            pass
        with self._pool_lock:
            if len(self._all_readers) < READERS:
                conn = connect(self.path)
                conn.execute("PRAGMA query_only = 1")
                self._all_readers.append(conn)
                return conn
        return self._readers.get()

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[sqlite3.Connection]:
        """The connection, with no refresh or query of another thread in between (for one-off set-up)."""
        with self._lock:
            yield self._conn


class Views:
    """The open views, one per library, created on first use under ``folder``."""

    def __init__(self, folder: Path, source: EventSource, today: Callable[[], date]):
        self.folder = folder
        self._source = source
        self._today = today
        self._views: dict[str, LibraryView] = {}
        self._lock = threading.Lock()
        folder.mkdir(parents=True, exist_ok=True)

    def get(self, library: str) -> LibraryView:
        """The library's view, brought up to date with the server's events."""
        if not SLUG.match(library):
            raise ValueError(f"not a library slug: {library!r}")
        with self._lock:
            view = self._views.get(library)
            if view is None:
                view = self._views[library] = LibraryView(self.folder / f"{library}.db", library, self._source)
        view.refresh(self._today())
        return view

    def close(self) -> None:
        with self._lock:
            for view in self._views.values():
                view.close()
            self._views.clear()
