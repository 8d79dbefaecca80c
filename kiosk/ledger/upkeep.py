"""Upkeep: rebuilding the derived tables from the log, checking them, and checkpoints off the counter's path."""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Any, Iterator

from kiosk.ledger import log_replay, projections, schema
from kiosk.ledger.bulk_apply import collector_paused
from kiosk.ledger.checkpoint import Checkpointer
from kiosk.ledger.core import LedgerCore
from kiosk.ledger.store import write_transaction


class Upkeep(LedgerCore):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._checkpointer = Checkpointer(self.path)
        self._checkpointer.start(self._conn)

    def close(self) -> None:
        self._checkpointer.stop()
        super().close()

    def rebuild(self, *, one_by_one: bool = False) -> int:
        """Clears every derived table and replays the log; returns the number of events applied.

        Each tool's conflicts, status and search entry are worked out once, at the end; ``one_by_one``
        works them out after every event instead, as single writes do: the reference the bulk path is checked against."""
        with self._lock, write_transaction(self._conn, self.path), _large_cache(self._conn), collector_paused():
            return self._replay(one_by_one=one_by_one)

    def adopt_device_id(self, device_id: str) -> int:
        """Takes the id the sync server gave this kiosk at enrollment; returns the own events renamed.

        Own events no server has acknowledged were seen by no one else, so they move to the new id
        (with their numbers), and the derived tables are rebuilt from the log in the same transaction.
        Acknowledged ones keep the id other kiosks know them by."""
        old = self.device["id"]
        if device_id == old:
            return 0
        with self._lock, write_transaction(self._conn, self.path), _large_cache(self._conn):
            moved = self._conn.execute("UPDATE events SET device = ? WHERE device = ? AND server_seq IS NULL",
                                       (device_id, old)).rowcount
            self._conn.execute("UPDATE meta SET value = ? WHERE key = 'device'", (device_id,))
            if moved:
                self._replay()
        self.device = {**self.device, "id": device_id}
        return moved

    def _replay(self, *, one_by_one: bool = False) -> int:
        for table in schema.PROJECTION_TABLES:
            self._conn.execute(f"DELETE FROM {table}")
        if not one_by_one:
            return log_replay.replay_log(self._conn)
        return log_replay.replay(self._conn, "", lambda event: projections.apply(self._conn, event))

    def projection_snapshot(self) -> dict[str, list[tuple]]:
        """Every derived table as sorted rows: equal snapshots mean equal state."""
        snapshot = {}
        for table in schema.PROJECTION_TABLES:
            columns = "rowid, *" if table == "tools_fts" else "*"
            rows = [tuple(r.values()) for r in self._query(f"SELECT {columns} FROM {table}")]
            if table in ("tools", "tools_fts"):  # rowids depend on arrival order; compare content
                rows = [r[1:] if table == "tools_fts" else r for r in rows]
            snapshot[table] = sorted(rows, key=repr)
        return snapshot

    def integrity_check(self) -> str:
        return self._scalar("PRAGMA integrity_check")


@contextlib.contextmanager
def _large_cache(conn: sqlite3.Connection, kib: int = 256_000) -> Iterator[None]:
    """A rebuild touches every page of the derived tables: keep them in memory while it runs."""
    previous = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = -{kib}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {previous}")
