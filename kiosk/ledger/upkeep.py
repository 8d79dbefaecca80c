"""Upkeep: rebuilding the derived tables from the log, and checking them."""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Iterator

from kiosk.ledger import bulk_apply, pending, projections, schema
from kiosk.ledger.core import LedgerCore
from kiosk.ledger.events import Event
from kiosk.ledger.store import write_transaction


class Upkeep(LedgerCore):
    def rebuild(self, *, one_by_one: bool = False) -> int:
        """Clears every derived table and replays the log; returns the number of events applied.

        Each tool's conflicts, status and search entry are worked out once, at the end; ``one_by_one``
        works them out after every event instead, as single writes do: the reference the bulk path is checked against."""
        with self._lock, write_transaction(self._conn, self.path), _large_cache(self._conn):
            for table in schema.PROJECTION_TABLES:
                self._conn.execute(f"DELETE FROM {table}")
            applied = 0
            with pending.deferring(self._conn) if not one_by_one else contextlib.nullcontext() as later:
                for row in self._conn.execute("SELECT * FROM events ORDER BY seq"):
                    event = Event.from_row(row)
                    known = projections.apply(self._conn, event)
                    applied += known
                    if known != bool(row["applied"]):
                        self._conn.execute("UPDATE events SET applied = ? WHERE seq = ?", (int(known), row["seq"]))
            if later is not None:
                bulk_apply.finish(self._conn, later)
        return applied

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
