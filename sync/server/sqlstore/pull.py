"""Pull: the pages of events, availability and wanted photos a device has not seen yet."""

from __future__ import annotations

from typing import Any

from kiosk.ledger.events import Event
from sync import protocol
from sync.server.db import Tx
from sync.server.errors import NotFound
from sync.server.sqlstore.core import SQLCore, event_from_row
from sync.server.storage import Device, PullResult, StoredEvent

PHOTOS_WANTED_PER_ROUND = 20
MAX_SEQ = protocol.MAX_HLC
# payload text per page: with every event's envelope a full page stays under the answer's bounds even
# if it would not compress, however large the page a kiosk asks for (at least one event always goes)
PAGE_PAYLOAD_BYTES = 2 << 20
# a page's rows: a StoredEvent's fields, then the event's number in its library's stream
PAGE_COLUMNS = "id, library, device, device_seq, hlc, type, version, entity, payload, lseq"
PAYLOAD = StoredEvent._fields.index("payload_text")   # where a page row holds the payload


class Pull(SQLCore):
    def pull(self, device: Device, cursors: dict[str, int], limit: int, device_seq: int | None = None) -> PullResult:
        # a kiosk restored from a backup lacks its own events above device_seq; it never gets one at or
        # below it (it holds another event under that number, or this one already)
        own_above = MAX_SEQ if device_seq is None else device_seq
        with self.db.read() as tx:
            streams = [device.library, *self._partners(tx, device.library)]
            in_streams, stream_args = tx.among(streams)
            heads = {r["slug"]: r["head"] for r in tx.rows(f"SELECT slug, head FROM libraries WHERE slug {in_streams}",
                                                           stream_args)}
            if device.library not in heads:
                raise NotFound(f"no library {device.library!r} on this server")
            events: list[StoredEvent] = []
            new_cursors: dict[str, int] = {}
            availability: list[dict[str, Any]] = []
            more = rewound = False
            budget, room = limit, PAGE_PAYLOAD_BYTES
            for slug in streams:
                cursor = cursors.get(slug, 0)
                if cursor > heads[slug]:  # the kiosk has seen numbers this server never gave: restored from a copy
                    cursor, rewound = 0, True
                own = slug == device.library
                if budget == 0 or room <= 0:
                    new_cursors[slug], more = cursor, more or cursor < heads[slug]
                    continue
                rows = tx.tuples(
                    f"SELECT {PAGE_COLUMNS} FROM events WHERE library = ? AND lseq > ?"
                    + ("" if own else " AND catalog = 1") + " AND (device <> ? OR device_seq > ?) ORDER BY lseq LIMIT ?",
                    (slug, cursor, device.id, own_above, budget + 1))
                fitting, room = _fitting(rows[:budget], room, first=not events)
                if len(fitting) < len(rows):
                    rows, more = fitting, True
                    new_cursors[slug] = rows[-1][-1] if rows else cursor
                else:
                    new_cursors[slug] = heads[slug]
                budget -= len(rows)
                events.extend(StoredEvent(*r[:-1]) for r in rows)
                if not own and new_cursors[slug] > cursor:
                    availability += [
                        {"library": slug, "code": r["code"], "status": r["status"], "due_back": r["due_back"],
                         "waiting": r["waiting"]}
                        for r in tx.rows("""SELECT code, status, due_back, waiting FROM tools WHERE library = ?
                                            AND changed_lseq > ? AND changed_lseq <= ? ORDER BY code""",
                                         (slug, cursor, new_cursors[slug]))]
            wanted = [r["sha256"] for r in tx.rows("SELECT sha256 FROM photos_missing WHERE library = ? LIMIT ?",
                                                   (device.library, PHOTOS_WANTED_PER_ROUND))]
            names = _device_names(tx, device.library, events)
        return PullResult(events, new_cursors, more, availability, wanted, rewound, names)

    def events(self, slug: str, *, after: int = 0, limit: int = 1000) -> list[tuple[int, Event]]:
        with self.db.read() as tx:
            rows = tx.rows("SELECT * FROM events WHERE library = ? AND lseq > ? ORDER BY lseq LIMIT ?", (slug, after, limit))
        return [(r["lseq"], event_from_row(r)) for r in rows]


def _device_names(tx: Tx, library: str, events: list[StoredEvent]) -> dict[str, str]:
    """The names of the library's kiosks whose events the page holds, so a kiosk can say "Front counter"
    where it would show a device id; read with the page, in the same transaction."""
    ids = sorted({e.device for e in events if e.library == library})
    if not ids:
        return {}
    in_ids, id_args = tx.among(ids)
    return {r["id"]: r["name"] for r in tx.rows(f"SELECT id, name FROM devices WHERE library = ? AND id {in_ids}",
                                                 [library, *id_args])}



def _fitting(rows: list[Any], room: int, *, first: bool) -> tuple[list[Any], int]:
    """The leading rows whose payloads fit in ``room`` bytes (the page's first event always does),
    and the room left."""
    for n, row in enumerate(rows):
        size = len(row[PAYLOAD].encode())
        if size > room and not (first and n == 0):
            return rows[:n], room
        room -= size
    return rows, room
