"""``Storage`` on SQL: the same statements run on SQLite and PostgreSQL (see ``sync.server.db``)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Callable

from kiosk.ledger import clock, rules
from kiosk.ledger.codes import LIBRARY_SLUG_RULE
from kiosk.ledger.errors import InvalidInput
from kiosk.ledger.events import Event, event_version
from kiosk.ledger.ids import uuid7
from sync import protocol
from sync.protocol import MAX_DEVICE_NAME, Rejection, check_event, photo_hash, same_event
from sync import failpoints
from sync.server import auth
from sync.server.db import Database, Tx
from sync.server.derive import Loan, Return, close_loans, conflict_id, double_checkouts, renew
from sync.server.errors import AlreadyExists, Invalid, NotFound, Revoked, Unauthorized
from sync.server.storage import Device, IngestResult, PullResult, Sighting, Storage

DAY_MS = 86_400_000
PHOTOS_WANTED_PER_ROUND = 20
SERVER_DEVICE = "server:{library}"   # the author of the server's own events in a library
MAX_SEQ = protocol.MAX_HLC
LOAN_COLUMNS = ("id", "library", "tool", "opened_event", "opened_hlc", "opened_device", "opened_seq", "due", "due_hlc",
                "due_device", "closed_by", "closed_hlc", "closed_device", "closed_seq", "closed_at")


class SQLStorage(Storage):
    def __init__(self, db: Database, *, now_ms: Callable[[], int] = clock.wall_ms):
        self.db = db
        self._now = now_ms

    # -- who takes part -----------------------------------------------------------------

    def add_library(self, slug: str, name: str) -> dict[str, Any]:
        if not protocol.SLUG.match(slug or ""):
            raise Invalid(f"a library slug is {LIBRARY_SLUG_RULE}, for example 'maple'")
        if not name.strip():
            raise Invalid("a library needs a name")
        with self.db.write() as tx:
            if tx.one("SELECT 1 FROM libraries WHERE slug = ?", (slug,)):
                raise AlreadyExists(f"the library {slug} already exists")
            tx.run("INSERT INTO libraries (slug, name, created_ms) VALUES (?, ?, ?)", (slug, name.strip(), self._now()))
        return self.library(slug)

    def libraries(self) -> list[dict[str, Any]]:
        with self.db.read() as tx:
            rows = tx.rows(
                """SELECT l.slug, l.name, l.head AS events,
                          (SELECT count(*) FROM devices d WHERE d.library = l.slug AND d.revoked_ms IS NULL) AS devices
                   FROM libraries l ORDER BY l.slug""")
            partners = self._partner_map(tx)
        return [{**dict(r), "partners": ",".join(partners.get(r["slug"], []))} for r in rows]

    def library(self, slug: str) -> dict[str, Any]:
        with self.db.read() as tx:
            return dict(self._library(tx, slug))

    def _library(self, tx: Tx, slug: str) -> Any:
        row = tx.one("SELECT slug, name, head, server_seq, retention_days FROM libraries WHERE slug = ?", (slug,))
        if row is None:
            raise NotFound(f"no library {slug!r} on this server; add it with `toolkiosk-server library add {slug}`")
        return row

    def add_partners(self, a: str, b: str) -> None:
        if a == b:
            raise Invalid("a library cannot partner with itself")
        with self.db.write() as tx:
            self._library(tx, a), self._library(tx, b)
            for x, y in ((a, b), (b, a)):
                tx.run("INSERT INTO partners (a, b) VALUES (?, ?) ON CONFLICT DO NOTHING", (x, y))

    def remove_partners(self, a: str, b: str) -> None:
        with self.db.write() as tx:
            self._library(tx, a), self._library(tx, b)
            if not tx.run("DELETE FROM partners WHERE (a = ? AND b = ?) OR (a = ? AND b = ?)", (a, b, b, a)):
                raise NotFound(f"{a} and {b} are not partners")

    def partners(self, slug: str) -> list[str]:
        with self.db.read() as tx:
            return self._partners(tx, slug)

    def _partners(self, tx: Tx, slug: str) -> list[str]:
        return [r["b"] for r in tx.rows("SELECT b FROM partners WHERE a = ? ORDER BY b", (slug,))]

    def _partner_map(self, tx: Tx) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for row in tx.rows("SELECT a, b FROM partners ORDER BY a, b"):
            result.setdefault(row["a"], []).append(row["b"])
        return result

    def invite(self, slug: str, name: str, *, days: int = 7) -> str:
        if not name.strip() or len(name.strip()) > MAX_DEVICE_NAME:
            raise Invalid(f"give the device a name of at most {MAX_DEVICE_NAME} characters, for example 'front desk'")
        code, now = auth.new_code(), self._now()
        with self.db.write() as tx:
            self._library(tx, slug)
            tx.run("INSERT INTO invitations (code_hash, library, name, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?)",
                   (auth.digest(auth.normalize_code(code)), slug, name.strip(), now, now + days * DAY_MS))
        return code

    def enroll(self, code: str, library: str, device_id: str, device_name: str) -> tuple[Device, str]:
        token, now = auth.new_token(), self._now()
        with self.db.write() as tx:
            invitation = tx.one("SELECT * FROM invitations WHERE code_hash = ?", (auth.digest(auth.normalize_code(code)),))
            if invitation is None or invitation["used_ms"] is not None or invitation["expires_ms"] < now:
                raise Unauthorized("this enrollment code is unknown, used or expired; ask a coordinator for a new one")
            if invitation["library"] != library:
                raise Invalid(f"this code is for the library {invitation['library']!r}, "
                              f"but this kiosk is set up for {library!r}")
            existing = tx.one("SELECT library FROM devices WHERE id = ?", (device_id,))
            if existing is not None and existing["library"] != library:
                raise AlreadyExists(f"the device {device_id} belongs to the library {existing['library']!r}")
            name = invitation["name"] or device_name
            if existing is None:
                tx.run("INSERT INTO devices (id, library, name, token_hash, enrolled_ms) VALUES (?, ?, ?, ?, ?)",
                       (device_id, library, name, auth.digest(token), now))
            else:  # the same kiosk enrolled again: a fresh token, the old one stops working
                tx.run("UPDATE devices SET name = ?, token_hash = ?, enrolled_ms = ?, revoked_ms = NULL WHERE id = ?",
                       (name, auth.digest(token), now, device_id))
            tx.run("UPDATE invitations SET used_ms = ? WHERE code_hash = ?", (now, invitation["code_hash"]))
        return Device(device_id, library, name), token

    def authenticate(self, token: str) -> Device:
        with self.db.read() as tx:
            row = tx.one("SELECT id, library, name, revoked_ms FROM devices WHERE token_hash = ?", (auth.digest(token),))
        if row is None:
            raise Unauthorized("this device token is not known here; enroll the kiosk with `toolkiosk enroll`")
        if row["revoked_ms"] is not None:
            raise Revoked(f"the device {row['name']!r} was revoked; a coordinator can invite it again")
        return Device(row["id"], row["library"], row["name"])

    def revoke(self, slug: str, device: str) -> Device:
        with self.db.write() as tx:
            rows = tx.rows("SELECT id, library, name FROM devices WHERE library = ? AND (id = ? OR name = ?)",
                           (slug, device, device))
            if not rows:
                raise NotFound(f"no device {device!r} in the library {slug}")
            if len(rows) > 1:
                raise Invalid(f"several devices are named {device!r}; give its id: {', '.join(r['id'] for r in rows)}")
            tx.run("UPDATE devices SET revoked_ms = ? WHERE id = ?", (self._now(), rows[0]["id"]))
        return Device(rows[0]["id"], rows[0]["library"], rows[0]["name"], revoked=True)

    def devices(self, slug: str | None = None) -> list[dict[str, Any]]:
        sql = """SELECT d.id, d.library, d.name, d.enrolled_ms, d.revoked_ms, d.last_push_ms, d.last_seen_ms,
                        d.software_version, d.clock_offset_ms, d.outbox, l.head - d.pulled_lseq AS events_waiting
                 FROM devices d JOIN libraries l ON l.slug = d.library"""
        with self.db.read() as tx:
            rows = tx.rows(sql + (" WHERE d.library = ?" if slug else "") + " ORDER BY d.library, d.name",
                           (slug,) if slug else ())
        return [dict(r) for r in rows]

    def seen(self, device: Device, sighting: Sighting) -> None:
        with self.db.write(durable=False) as tx:  # a sighting lost in a power cut is told again next round
            tx.run("""UPDATE devices SET last_seen_ms = ?, pulled_lseq = ?, software_version = ?, clock_offset_ms = ?,
                      outbox = ? WHERE id = ?""",
                   (sighting.at_ms, sighting.pulled, sighting.software_version, sighting.clock_offset_ms,
                    sighting.outbox, device.id))

    def flags(self, slug: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT library, device, event_id, reason, message, at_ms FROM flags"
        with self.db.read() as tx:
            rows = tx.rows(sql + (" WHERE library = ?" if slug else "") + " ORDER BY id", (slug,) if slug else ())
        return [dict(r) for r in rows]

    # -- ingest ---------------------------------------------------------------------------

    def ingest(self, device: Device, events: list[dict[str, Any]]) -> IngestResult:
        result = IngestResult()
        candidates: list[Event] = []
        texts: dict[str, str] = {}   # payloads as stored, by event id
        for wire in events:
            try:
                event, text = check_event(wire)
            except InvalidInput as exc:
                result.rejected.append(Rejection(wire["id"], "invalid", str(exc)))
                continue
            if event.library != device.library:
                result.rejected.append(Rejection(event.id, "wrong_library",
                                                 f"this device writes for {device.library!r}, not {event.library!r}"))
            elif event.device != device.id:
                result.rejected.append(Rejection(event.id, "wrong_device",
                                                 f"this token belongs to the device {device.id}, not {event.device}"))
            elif event.type == "conflict.opened":
                result.rejected.append(Rejection(event.id, "server_only", "only the server opens conflicts"))
            else:
                candidates.append(event)
                texts.setdefault(event.id, text)  # a second copy of an id is compared, never stored
        if not candidates:
            return result
        now = self._now()
        with self.db.write(device.library) as tx:
            lib = self._library(tx, device.library)
            head, server_seq = lib["head"], lib["server_seq"]
            fresh, flags = self._sort_out(tx, device, candidates, result)
            rows = []
            for event in fresh:
                head += 1
                result.acks[event.id] = head
                rows.append((head, event))
            self._insert_events(tx, rows, now, texts)
            result.stored = len(rows)
            head, server_seq, result.conflicts = self._derive(tx, device.library, rows, head, server_seq, now)
            tx.run("UPDATE libraries SET head = ?, server_seq = ? WHERE slug = ?", (head, server_seq, device.library))
            tx.run("UPDATE devices SET last_push_ms = ? WHERE id = ?", (now, device.id))
            tx.many("INSERT INTO flags (library, device, event_id, reason, message, at_ms) VALUES (?, ?, ?, ?, ?, ?)",
                    [(device.library, device.id, r.id, r.reason, r.message, now) for r in flags])
            failpoints.reach("ingest.before_commit")
        failpoints.reach("ingest.after_commit")
        return result

    def _sort_out(self, tx: Tx, device: Device, candidates: list[Event],
                  result: IngestResult) -> tuple[list[Event], list[Rejection]]:
        """The events new to the server; resent ones acknowledged again, clones refused and flagged."""
        ids = [e.id for e in candidates]
        in_ids, id_args = tx.among(ids)
        stored = {r["id"]: r for r in tx.rows(f"SELECT * FROM events WHERE id {in_ids}", id_args)}
        in_seqs, seq_args = tx.among([e.seq for e in candidates])
        taken = {r["device_seq"]: r["id"] for r in tx.rows(
            f"SELECT id, device_seq FROM events WHERE device = ? AND device_seq {in_seqs}", [device.id, *seq_args])}
        fresh: dict[str, Event] = {}
        flags: list[Rejection] = []
        for event in candidates:
            if event.id in stored or event.id in fresh:
                known = _event(stored[event.id]) if event.id in stored else fresh[event.id]
                if same_event(known, event):
                    if event.id in stored:
                        result.acks[event.id] = stored[event.id]["lseq"]
                    continue
                flags.append(Rejection(event.id, "conflicting_content",
                                       "an event with this id and different content is already here "
                                       "(a cloned SD card or a restored backup?)"))
            elif taken.get(event.seq, event.id) != event.id:
                flags.append(Rejection(event.id, "duplicate_seq",
                                       f"this device already sent another event numbered {event.seq} "
                                       "(a cloned SD card or a restored backup?)"))
            else:
                fresh[event.id] = event
                taken[event.seq] = event.id
        result.rejected.extend(flags)
        return list(fresh.values()), flags

    def _insert_events(self, tx: Tx, rows: list[tuple[int, Event]], now: int, texts: dict[str, str] | None = None) -> None:
        texts = texts or {}
        tx.insert("events", ("library", "lseq", "id", "device", "device_seq", "hlc", "type", "version", "entity",
                             "payload", "catalog", "received_ms"),
                  [(e.library, lseq, e.id, e.device, e.seq, e.hlc, e.type, e.version, e.entity,
                    texts.get(e.id) or protocol.payload_text(e.payload), int(protocol.is_catalog(e)), now)
                   for lseq, e in rows])

    # -- what the server derives ----------------------------------------------------------

    def _derive(self, tx: Tx, library: str, rows: list[tuple[int, Event]], head: int, server_seq: int,
                now: int) -> tuple[int, int, int]:
        events = [e for _, e in rows if e.known]
        self._settings(tx, library, [e for e in events if e.type == "library.configured"])
        touched_tools = self._tool_fields(tx, library, events)
        loans, conflicts = self._loans(tx, library, events)
        touched_tools |= {loan.tool for loan in loans.values() if loan.tool is not None and loan.changed}
        touched_tools |= {e.payload["tool"] for e in events if e.type in ("loan.opened", "loan.returned")}
        for first, second in conflicts:
            server_seq += 1
            head += 1
            cid = conflict_id(first, second)
            # stamped with the later checkout's clock, so every kiosk records the same detection time
            event = Event(uuid7(), library, SERVER_DEVICE.format(library=library), server_seq, second.opened[0],
                          "conflict.opened", 1, f"conflict:{cid}",
                          {"conflict_id": cid, "kind": "double_checkout", "tool": second.tool,
                           "loan_a": first.id, "loan_b": second.id})
            self._insert_events(tx, [(head, event)], now)
            tx.run("INSERT INTO conflicts (id, library, event_id) VALUES (?, ?, ?)", (cid, library, event.id))
        self._availability(tx, library, touched_tools, head)
        return head, server_seq, len(conflicts)

    def _settings(self, tx: Tx, library: str, events: list[Event]) -> None:
        for event in events:
            if "retention_days" not in event.payload["fields"]:
                continue
            lib = tx.one("SELECT retention_hlc, retention_device FROM libraries WHERE slug = ?", (library,))
            if lib["retention_hlc"] is None or (event.hlc, event.device) > (lib["retention_hlc"], lib["retention_device"]):
                tx.run("UPDATE libraries SET retention_days = ?, retention_hlc = ?, retention_device = ? WHERE slug = ?",
                       (event.payload["fields"]["retention_days"], event.hlc, event.device, library))

    def _tool_fields(self, tx: Tx, library: str, events: list[Event]) -> set[str]:
        """Service status and photo, last writer wins per field as on the kiosks; returns the codes touched.

        A return in need of repair comes with its own tool.edited event, so only catalog events count."""
        changes: list[tuple[str, str, Any, tuple[int, str]]] = []
        for e in events:
            if e.type in ("tool.added", "tool.edited"):
                for name in ("status", "photo"):
                    if name in e.payload["fields"]:
                        changes.append((e.payload["code"], name, e.payload["fields"][name], (e.hlc, e.device)))
        codes = sorted({e.payload["code"] for e in events if e.type in ("tool.added", "tool.edited")})
        if not codes:
            return set()
        in_codes, code_args = tx.among(codes)
        tools = {r["code"]: dict(r) for r in tx.rows(
            f"SELECT * FROM tools WHERE library = ? AND code {in_codes}", [library, *code_args])}
        for code in codes:
            tools.setdefault(code, {"code": code, "service_status": "available", "status_hlc": None,
                                    "status_device": None, "photo": None, "photo_hlc": None, "photo_device": None})
        missing_photos = []
        for code, name, value, stamp in changes:
            tool = tools[code]
            clock_hlc, clock_device = tool[f"{name}_hlc"], tool[f"{name}_device"]
            if clock_hlc is None or stamp > (clock_hlc, clock_device):
                if name == "status":
                    tool["service_status"] = value or "available"
                else:
                    tool["photo"] = photo_hash(value)
                    if tool["photo"]:
                        missing_photos.append(tool["photo"])
                tool[f"{name}_hlc"], tool[f"{name}_device"] = stamp
        fields = ("library", "code", "service_status", "status_hlc", "status_device", "photo", "photo_hlc", "photo_device")
        tx.upsert("tools", fields, [(library, *(t[f] for f in fields[1:])) for t in tools.values()], "library, code",
                  fields[2:])
        if missing_photos:
            in_photos, photo_args = tx.among(missing_photos)
            have = {r["sha256"] for r in tx.rows(f"SELECT sha256 FROM photos WHERE sha256 {in_photos}", photo_args)}
            tx.many("INSERT INTO photos_missing (library, sha256) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    [(library, sha) for sha in set(missing_photos) - have])
        return set(tools)

    def _loans(self, tx: Tx, library: str, events: list[Event]) -> tuple[dict[str, Loan], list[tuple[Loan, Loan]]]:
        """Applies the batch's loans, renewals and returns; returns the loans and the new double checkouts."""
        opened = [e for e in events if e.type == "loan.opened"]
        renewed = [e for e in events if e.type == "loan.renewed"]
        returned = [e for e in events if e.type == "loan.returned"]
        if not (opened or renewed or returned):
            return {}, []
        tools = sorted({e.payload["tool"] for e in opened + returned})
        since = min((e.hlc for e in opened + returned), default=0)
        by_id = sorted({e.payload["loan_id"] for e in opened + renewed})
        loans: dict[str, Loan] = {}
        in_tools, tool_args = tx.among(tools)
        rows = []
        if by_id:
            in_loans, loan_args = tx.among(by_id)
            rows += tx.rows(f"SELECT * FROM loans WHERE id {in_loans}", loan_args)
        if tools:
            rows += tx.rows(f"""SELECT * FROM loans WHERE library = ? AND tool {in_tools}
                                AND (closed_hlc IS NULL OR closed_hlc >= ? OR opened_hlc >= ?)""",
                            [library, *tool_args, since, since])
        for row in rows:
            loans[row["id"]] = _loan(row)
        new_ids = {e.payload["loan_id"] for e in opened}
        returns: dict[str, Return] = {}
        if tools:
            for row in tx.rows(f"SELECT * FROM returns WHERE library = ? AND tool {in_tools} AND hlc >= ?",
                               [library, *tool_args, since]):
                returns[row["event_id"]] = _return(row)
        if new_ids:
            in_new, new_args = tx.among(sorted(new_ids))
            for row in tx.rows(f"SELECT * FROM returns WHERE loan_id {in_new}", new_args):
                returns[row["event_id"]] = _return(row)
        new_loans = set()
        for e in opened:
            p = e.payload
            loan = loans.get(p["loan_id"])
            if loan is not None and loan.opened is not None:
                continue  # the first opening of a loan id stands, as on the kiosks
            if loan is None:
                loan = loans[p["loan_id"]] = Loan(p["loan_id"], library, None, None)
            loan.tool, loan.opened, loan.opened_event = p["tool"], e.order_key, e.id
            loan.changed = True
            renew(loan, p["due"], (e.hlc, e.device))
            new_loans.add(loan.id)
        for e in renewed:
            loan = loans.setdefault(e.payload["loan_id"], Loan(e.payload["loan_id"], library, None, None))
            renew(loan, e.payload["due"], (e.hlc, e.device))
        new_returns = []
        for e in returned:
            p = e.payload
            ret = Return(e.id, library, p["tool"], p.get("loan_id"), e.order_key, p["at"])
            returns[ret.event_id] = ret
            new_returns.append(ret)
        close_loans(loans.values(), returns.values())
        tx.insert("returns", ("event_id", "library", "tool", "loan_id", "hlc", "device", "seq", "at"),
                  [(r.event_id, r.library, r.tool, r.loan_id, *r.key, r.at) for r in new_returns])
        tx.upsert("loans", LOAN_COLUMNS, [_loan_row(l) for l in loans.values() if l.changed], "id", LOAN_COLUMNS[2:])
        pairs = [(a, b) for tool in tools
                 for a, b in double_checkouts(l for l in loans.values() if l.tool == tool)
                 if a.id in new_loans or b.id in new_loans]
        if not pairs:
            return loans, []
        ids = [conflict_id(a, b) for a, b in pairs]
        in_ids, id_args = tx.among(ids)
        known = {r["id"] for r in tx.rows(f"SELECT id FROM conflicts WHERE id {in_ids}", id_args)}
        return loans, [(a, b) for a, b in pairs if conflict_id(a, b) not in known]

    def _availability(self, tx: Tx, library: str, codes: set[str], head: int) -> None:
        """What partners see of these tools: in, out (and when due back), or out of service."""
        codes = sorted(c for c in codes if c)
        if not codes:
            return
        in_codes, code_args = tx.among(codes)
        out = {r["tool"]: r["due"] for r in tx.rows(
            f"""SELECT tool, min(due) AS due FROM loans WHERE library = ? AND tool {in_codes}
                AND opened_hlc IS NOT NULL AND closed_by IS NULL GROUP BY tool""", [library, *code_args])}
        current = {r["code"]: r for r in tx.rows(
            f"SELECT code, service_status, status, due_back FROM tools WHERE library = ? AND code {in_codes}",
            [library, *code_args])}
        changed = []
        for code in codes:
            row = current.get(code)
            service = row["service_status"] if row else "available"
            status, due_back = ("on_loan", out[code]) if code in out else (service, None)
            if row is None or (row["status"], row["due_back"]) != (status, due_back):
                changed.append((library, code, status, due_back, head))
        tx.upsert("tools", ("library", "code", "status", "due_back", "changed_lseq"), changed, "library, code",
                  ("status", "due_back", "changed_lseq"))

    # -- pull -----------------------------------------------------------------------------

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
            events: list[Event] = []
            new_cursors: dict[str, int] = {}
            availability: list[dict[str, Any]] = []
            more = rewound = False
            budget = limit
            for slug in streams:
                cursor = cursors.get(slug, 0)
                if cursor > heads[slug]:  # the kiosk has seen numbers this server never gave: restored from a copy
                    cursor, rewound = 0, True
                own = slug == device.library
                if budget == 0:
                    new_cursors[slug], more = cursor, more or cursor < heads[slug]
                    continue
                rows = tx.rows(
                    "SELECT * FROM events WHERE library = ? AND lseq > ?"
                    + ("" if own else " AND catalog = 1") + " AND (device <> ? OR device_seq > ?) ORDER BY lseq LIMIT ?",
                    (slug, cursor, device.id, own_above, budget + 1))
                if len(rows) > budget:
                    rows, more = rows[:budget], True
                    new_cursors[slug] = rows[-1]["lseq"]
                else:
                    new_cursors[slug] = heads[slug]
                budget -= len(rows)
                events.extend(_event(r) for r in rows)
                if not own and new_cursors[slug] > cursor:
                    availability += [
                        {"library": slug, "code": r["code"], "status": r["status"], "due_back": r["due_back"]}
                        for r in tx.rows("""SELECT code, status, due_back FROM tools WHERE library = ?
                                            AND changed_lseq > ? AND changed_lseq <= ? ORDER BY code""",
                                         (slug, cursor, new_cursors[slug]))]
            wanted = [r["sha256"] for r in tx.rows("SELECT sha256 FROM photos_missing WHERE library = ? LIMIT ?",
                                                   (device.library, PHOTOS_WANTED_PER_ROUND))]
        return PullResult(events, new_cursors, more, availability, wanted, rewound)

    def events(self, slug: str, *, after: int = 0, limit: int = 1000) -> list[tuple[int, Event]]:
        with self.db.read() as tx:
            rows = tx.rows("SELECT * FROM events WHERE library = ? AND lseq > ? ORDER BY lseq LIMIT ?", (slug, after, limit))
        return [(r["lseq"], _event(r)) for r in rows]

    def append_server_event(self, library: str, type_: str, entity: str, payload: dict[str, Any]) -> Event:
        """Authored by the library's server device, numbered after the server's own conflicts, and
        stamped after every event the library has: the newest word wins."""
        now = self._now()
        with self.db.write(library) as tx:
            lib = self._library(tx, library)
            last = tx.one("SELECT max(hlc) AS hlc FROM events WHERE library = ?", (library,))
            head, seq = lib["head"] + 1, lib["server_seq"] + 1
            event = Event(uuid7(), library, SERVER_DEVICE.format(library=library), seq,
                          clock.tick(last["hlc"] or 0, now), type_, event_version(type_, payload), entity, payload)
            _, text = check_event(event.to_wire())
            self._insert_events(tx, [(head, event)], now, {event.id: text})
            head, seq, _ = self._derive(tx, library, [(head, event)], head, seq, now)
            tx.run("UPDATE libraries SET head = ?, server_seq = ? WHERE slug = ?", (head, seq, library))
        return event

    # -- photos ---------------------------------------------------------------------------

    def put_photo(self, device: Device, sha256: str, data: bytes) -> bool:
        with self.db.write() as tx:
            if not tx.one("SELECT 1 FROM tools WHERE library = ? AND photo = ?", (device.library, sha256)):
                raise NotFound("no tool of this library shows this photo; sync the tool first")
            if tx.one("SELECT 1 FROM photos WHERE sha256 = ?", (sha256,)):
                tx.run("DELETE FROM photos_missing WHERE sha256 = ?", (sha256,))
                return False
            tx.run("INSERT INTO photos (sha256, library, size, data) VALUES (?, ?, ?, ?)",
                   (sha256, device.library, len(data), data))
            tx.run("DELETE FROM photos_missing WHERE sha256 = ?", (sha256,))
        return True

    def get_photo(self, device: Device, sha256: str) -> bytes:
        with self.db.read() as tx:
            in_visible, visible_args = tx.among([device.library, *self._partners(tx, device.library)])
            row = tx.one(f"""SELECT p.data FROM photos p WHERE p.sha256 = ? AND EXISTS (SELECT 1 FROM tools t
                             WHERE t.photo = p.sha256 AND t.library {in_visible})""", [sha256, *visible_args])
        if row is None:
            raise NotFound("no such photo here (not uploaded yet, or not one this device may see)")
        return bytes(row["data"])

    # -- upkeep ---------------------------------------------------------------------------

    def forget_old_borrowers(self, today: date) -> int:
        forgotten = 0
        with self.db.read() as tx:
            libraries = tx.rows("SELECT slug, retention_days FROM libraries")
        for lib in libraries:
            settings = {} if lib["retention_days"] is None else {"retention_days": lib["retention_days"]}
            cutoff = rules.forget_before(today, settings).isoformat()
            with self.db.write(lib["slug"]) as tx:
                loans = tx.rows("""SELECT id, opened_event FROM loans WHERE library = ? AND forgotten = 0
                                   AND closed_at IS NOT NULL AND closed_at < ? AND opened_event IS NOT NULL""",
                                (lib["slug"], cutoff))
                for loan in loans:
                    row = tx.one("SELECT payload FROM events WHERE id = ?", (loan["opened_event"],))
                    payload = protocol.redact_member(json.loads(row["payload"]))
                    tx.run("UPDATE events SET payload = ? WHERE id = ?",
                           (protocol.payload_text(payload), loan["opened_event"]))
                tx.many("UPDATE loans SET forgotten = 1 WHERE id = ?", [(loan["id"],) for loan in loans])
                forgotten += len(loans)
        return forgotten

    def close(self) -> None:
        self.db.close()


def _event(row: Any) -> Event:
    return Event(row["id"], row["library"], row["device"], row["device_seq"], row["hlc"], row["type"],
                 row["version"], row["entity"], json.loads(row["payload"]))


def _loan(row: Any) -> Loan:
    opened = None if row["opened_hlc"] is None else (row["opened_hlc"], row["opened_device"], row["opened_seq"])
    closed = None if row["closed_by"] is None else (row["closed_hlc"], row["closed_device"], row["closed_seq"])
    due_clock = None if row["due_hlc"] is None else (row["due_hlc"], row["due_device"])
    return Loan(row["id"], row["library"], row["tool"], opened, row["opened_event"], row["due"], due_clock,
                closed, row["closed_by"], row["closed_at"])


def _return(row: Any) -> Return:
    return Return(row["event_id"], row["library"], row["tool"], row["loan_id"], (row["hlc"], row["device"], row["seq"]),
                  row["at"])


def _loan_row(loan: Loan) -> tuple:
    opened = loan.opened or (None, None, None)
    closed = loan.closed or (None, None, None)
    due_clock = loan.due_clock or (None, None)
    return (loan.id, loan.library, loan.tool, loan.opened_event, *opened, loan.due, *due_clock,
            loan.closed_by, *closed, loan.closed_at)
