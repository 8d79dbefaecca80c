"""Copying the write-ahead log into the database file, off the counter's path.

SQLite checkpoints inside whichever commit takes the log past 1000 pages: that
commit also writes and flushes the database file, so about one checkout in
every sixty took several times as long as the others. Here a thread with its
own connection checkpoints in the background instead (a passive checkpoint
never blocks a writer), and the ledger's connection checkpoints by itself only
when the log has grown far past that, should the thread fall behind.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path

POLL_SECONDS = 1.0
LOG_BYTES = 1 << 20           # the thread checkpoints once the log holds this much
FALLBACK_PAGES = 8000         # the ledger's own connection checkpoints past this many pages (32 MB)


class Checkpointer:
    def __init__(self, path: Path, *, poll: float = POLL_SECONDS, log_bytes: int = LOG_BYTES):
        self.path, self.poll, self.log_bytes = path, poll, log_bytes
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ledger-checkpoint", daemon=True)

    def start(self, conn: sqlite3.Connection) -> None:
        """Takes over the checkpoints of ``conn``, the ledger's connection."""
        conn.execute(f"PRAGMA wal_autocheckpoint = {FALLBACK_PAGES}")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        log = self.path.with_name(self.path.name + "-wal")
        conn: sqlite3.Connection | None = None
        try:
            while not self._stop.wait(self.poll):
                with contextlib.suppress(OSError, sqlite3.Error):  # a busy or vanished file: try again later
                    if log.stat().st_size < self.log_bytes:
                        continue
                    if conn is None:
                        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=0)
                        conn.execute("PRAGMA synchronous = FULL")
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            if conn is not None:
                conn.close()
