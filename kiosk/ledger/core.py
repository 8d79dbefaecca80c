"""What every part of the ledger stands on: the connection, writing events, meta, queries.

Each write is one SQLite transaction holding the event and every table it
changes; when a method returns, the change is on disk (WAL, synchronous=FULL).
The domains (catalog, members, lending, ...) are classes built on ``LedgerCore``
and composed into ``Ledger`` (``kiosk.ledger.ledger``).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path
from typing import Any, Callable, Iterator, Self, TypeVar

import sqlite_utils
from sqlite_utils.utils import dedupe_keys

from kiosk.ledger import clock, limits, projections
from kiosk.ledger.errors import NotInitialized
from kiosk.ledger.events import Event, event_version, payload_text
from kiosk.ledger.ids import uuid7
from kiosk.ledger.store import Connection, translate, write_transaction

# meta: the server's time minus this kiosk's wall clock at the last sync, the server's time then,
# and the latest trusted time this kiosk knew (what its date stays at while the wall clock is unset)
META_OFFSET, META_SERVER_MS, META_KNOWN = "clock.offset_ms", "clock.server_ms", "clock.known_ms"
_CLOCK_KEYS = (META_OFFSET, META_SERVER_MS, META_KNOWN)
# what writing an event reads of meta, in one query: its clock, number and device, and the trusted time
_EVENT_META = ("hlc", "next_seq", "device", *_CLOCK_KEYS)
_EVENT_META_SQL = f"SELECT key, value FROM meta WHERE key IN ({', '.join('?' * len(_EVENT_META))})"
T = TypeVar("T")


class LedgerCore:
    def __init__(self, conn: sqlite3.Connection, path: Path, wall: Callable[[], int] = clock.wall_ms):
        self._conn = conn
        self.db = sqlite_utils.Database(conn)
        self.path = path
        self._wall = wall
        self._lock = threading.RLock()
        meta = self._meta_all()
        if "library" not in meta:
            raise NotInitialized(f"no library is set up in {path.parent}; run `toolkiosk init` first")
        self.library = {"slug": meta["library"], "name": meta.get("library_name", meta["library"])}
        self.device = {"id": meta["device"], "name": meta.get("device_name", ""), "part": meta["device_part"]}

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def refresh_device(self) -> None:
        """Reads this kiosk's device id again: another process may have enrolled it meanwhile."""
        self._same_device(self._conn.execute("SELECT value FROM meta WHERE key = 'device'").fetchone()[0])

    def _same_device(self, device_id: str) -> None:
        if device_id != self.device["id"]:  # the sync server gave this kiosk its id at enrollment
            self.device = {**self.device, "id": device_id}

    # -- events --------------------------------------------------------------------

    def _append(self, type_: str, entity: str, payload: dict[str, Any], *, minted: bool = False) -> Event:
        """Writes one own event and applies it; call inside a write transaction. ``minted``: it opens
        a loan under an id minted for it (``projections.apply``)."""
        text = payload_text(payload)
        limits.check_payload_size(text)  # as the server will
        meta = self._event_meta()
        wall = self._wall()
        now = self._trusted_ms(meta, wall)
        stamp = clock.tick(int(meta["hlc"]), now)
        seq = int(meta["next_seq"])
        self._same_device(meta["device"])
        event = Event(uuid7(), self.library["slug"], self.device["id"], seq, stamp, type_,
                      event_version(type_, payload), entity, payload)
        values = {"hlc": str(stamp), "next_seq": str(seq + 1)}
        if wall >= clock.CLOCK_SET_AFTER_MS:
            values[META_KNOWN] = str(now)
        self._put_meta(values)
        self._insert_event(event, text, minted=minted)
        return event

    def wall_ms(self) -> int:
        """This kiosk's own wall clock, uncorrected (what it tells the server of itself)."""
        return self._wall()

    def now_ms(self) -> int:
        """The trusted time: the wall clock corrected by the server's, never by other devices' stamps."""
        return self._trusted_ms(self._event_meta(), self._wall())

    @staticmethod
    def _trusted_ms(meta: dict[str, str], wall: int) -> int:
        offset, server, known = (int(meta.get(key) or 0) for key in _CLOCK_KEYS)
        return clock.trusted_ms(wall, offset, known, server)

    def _event_meta(self) -> dict[str, str]:
        """The meta an event's writing needs, read once for a checkout's date and its event alike."""
        return self._kept("meta", lambda: dict(self._conn.execute(_EVENT_META_SQL, _EVENT_META).fetchall()))

    def _kept(self, name: str, read: Callable[[], T]) -> T:
        """``read()``, or inside a write transaction what it gave there before if this connection has
        changed no row since: no other connection can write meanwhile, so the value still holds.
        What was read before the last change is let go; a rollback empties it all (``store.Connection``)."""
        with self._lock:
            conn = self._conn
            if not isinstance(conn, Connection) or conn.kept is None:
                return read()
            if conn.kept_at != conn.total_changes:
                conn.kept.clear()
                conn.kept_at = conn.total_changes
            if name not in conn.kept:
                conn.kept[name] = read()
            return conn.kept[name]

    def _insert_event(self, event: Event, text: str | None = None, *, minted: bool = False) -> None:
        self._conn.execute(
            """INSERT INTO events (id, library, device, device_seq, hlc, type, version, entity, payload, applied)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (event.id, event.library, event.device, event.seq, event.hlc, event.type, event.version, event.entity,
             event.payload_text() if text is None else text, int(event.known)),
        )
        projections.apply(self._conn, event, minted=minted)

    def _write(self, type_: str, entity: str, payload: dict[str, Any]) -> Event:
        with self._lock, write_transaction(self._conn, self.path):
            return self._append(type_, entity, payload)

    @contextlib.contextmanager
    def batch(self) -> Iterator[Self]:
        """Many operations as one transaction: all of them are written, or none.

        Used by imports, so a file goes in whole and with one disk flush."""
        with self._lock, write_transaction(self._conn, self.path):
            yield self

    def events(self, *, after_seq: int = 0, limit: int | None = None) -> list[Event]:
        """Events in local arrival order."""
        sql = "SELECT * FROM events WHERE seq > ? ORDER BY seq" + (f" LIMIT {int(limit)}" if limit else "")
        return [Event.from_row(r) for r in self._query(sql, (after_seq,))]

    # -- meta (sync cursors and the like) --------------------------------------------

    def meta(self, key: str, default: str | None = None) -> str | None:
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0]["value"] if rows else default

    def _meta_all(self) -> dict[str, str]:
        return {r["key"]: r["value"] for r in self._query("SELECT key, value FROM meta")}

    def set_meta(self, values: dict[str, str]) -> None:
        with self._lock, write_transaction(self._conn, self.path):
            self._put_meta(values)

    def _put_meta(self, values: dict[str, str]) -> None:
        self._conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", values.items())

    # -- queries -------------------------------------------------------------------

    def _query(self, sql: str, args: tuple = ()) -> list[dict[str, Any]]:
        """Rows as dicts, with SQLite's failures in plain words."""
        with self._lock:
            try:  # straight from the cursor: sqlite-utils' query costs more than the query itself at the counter
                cursor = self._conn.execute(sql, args)
                rows = cursor.fetchall()
                if not rows:  # many lookups at the counter find nothing: no names to work out
                    return []
                names = [column[0] for column in cursor.description]
                if len(set(names)) < len(names):
                    names = dedupe_keys(names)  # as sqlite-utils names them: "code", "code_2"
                return [dict(zip(names, row)) for row in rows]
            except sqlite3.Error as exc:
                raise translate(exc, self.path) from None

    def _scalar(self, sql: str, args: tuple = ()) -> Any:
        return next(iter(self._query(sql, args)[0].values()))


def clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Text trimmed, and empty text stored as no value."""
    cleaned = {}
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip() or None
        cleaned[name] = value
    return cleaned
