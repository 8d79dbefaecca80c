"""The ledger: every operation of the library as an event written with its projections.

Each write is one SQLite transaction holding the event and every table it
changes; when a method returns, the change is on disk (WAL, synchronous=FULL).
"""

from __future__ import annotations

import contextlib
import json
import secrets
import sqlite3
import threading

import sqlite_utils
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Collection, Iterator, Sequence

from kiosk.ledger import clock, codes, projections, rules, schema, search
from kiosk.ledger.errors import InvalidInput, NotFound, NotInitialized, Refusal, Refused, StorageError
from kiosk.ledger.events import (
    CONDITIONS, EVENT_TYPES, MEMBER_FIELDS, MEMBER_STATUSES, SETTINGS_FIELDS, TOOL_FIELDS, TOOL_STATUSES, Event,
    check_fields,
)
from kiosk.ledger.ids import uuid7
from kiosk.ledger.store import connect, translate, write_transaction

DB_NAME = "ledger.db"


@dataclass(frozen=True)
class SyncBatch:
    """What one sync answer changes here, applied in one transaction."""

    acks: dict[str, int]              # own event id -> server sequence
    events: list[Event]               # events this kiosk has not seen
    meta: dict[str, str]              # cursors and anything else to remember with them
    server_time_ms: int | None = None
    availability: list[dict[str, Any]] = field(default_factory=list)  # partner tools: library, code, status, due_back


class Ledger:
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

    # -- opening -------------------------------------------------------------------

    @classmethod
    def create(cls, home: Path | str, *, library: str, name: str, device_name: str | None = None,
               wall: Callable[[], int] = clock.wall_ms) -> "Ledger":
        """Sets up a new library in an empty home folder."""
        if not codes.LIBRARY_SLUG.match(library):
            raise InvalidInput(f"the library slug must be {codes.LIBRARY_SLUG_RULE}, for example 'maple'")
        home = Path(home)
        path = home / DB_NAME
        if path.exists():
            raise InvalidInput(f"{home} already holds a library; use another --home")
        try:
            home.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise translate(_as_sqlite_error(exc), home) from None
        conn = _open_file(path)
        device = "".join(secrets.choice(codes.ALPHABET) for _ in range(12))
        with write_transaction(conn, path):
            for key, value in {
                "library": library, "library_name": name, "device": device,
                "device_name": device_name or f"kiosk {device[:5]}", "device_part": device[:codes.DEVICE_PART_LENGTH],
                "hlc": "0", "next_seq": "1",
            }.items():
                conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
        ledger = cls(conn, path, wall)
        ledger.configure(name=name)
        return ledger

    @classmethod
    def open(cls, home: Path | str, *, wall: Callable[[], int] = clock.wall_ms) -> "Ledger":
        path = Path(home) / DB_NAME
        if not path.exists():
            raise NotInitialized(f"no library is set up in {home}; run `toolkiosk init --library SLUG --name NAME` first")
        return cls(_open_file(path), path, wall)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- events --------------------------------------------------------------------

    def _append(self, type_: str, entity: str, payload: dict[str, Any]) -> Event:
        """Writes one own event and applies it; call inside a write transaction."""
        meta = dict(self._conn.execute("SELECT key, value FROM meta WHERE key IN ('hlc', 'next_seq')").fetchall())
        stamp = clock.tick(int(meta["hlc"]), self._wall())
        seq = int(meta["next_seq"])
        event = Event(uuid7(), self.library["slug"], self.device["id"], seq, stamp, type_,
                      EVENT_TYPES[type_][0], entity, payload)
        self._conn.execute("UPDATE meta SET value = ? WHERE key = 'hlc'", (str(stamp),))
        self._conn.execute("UPDATE meta SET value = ? WHERE key = 'next_seq'", (str(seq + 1),))
        self._insert_event(event)
        return event

    def _insert_event(self, event: Event) -> None:
        self._conn.execute(
            """INSERT INTO events (id, library, device, device_seq, hlc, type, version, entity, payload, applied)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (event.id, event.library, event.device, event.seq, event.hlc, event.type, event.version, event.entity,
             json.dumps(event.payload, separators=(",", ":"), ensure_ascii=False), int(event.known)),
        )
        projections.apply(self._conn, event)

    def _write(self, type_: str, entity: str, payload: dict[str, Any]) -> Event:
        with self._lock, write_transaction(self._conn, self.path):
            return self._append(type_, entity, payload)

    @contextlib.contextmanager
    def batch(self) -> Iterator["Ledger"]:
        """Many operations as one transaction: all of them are written, or none.

        Used by imports, so a file goes in whole and with one disk flush."""
        with self._lock, write_transaction(self._conn, self.path):
            yield self

    def events(self, *, after_seq: int = 0, limit: int | None = None) -> list[Event]:
        """Events in local arrival order."""
        sql = "SELECT * FROM events WHERE seq > ? ORDER BY seq" + (f" LIMIT {int(limit)}" if limit else "")
        return [Event.from_row(r) for r in self._query(sql, (after_seq,))]

    # -- time ----------------------------------------------------------------------

    def today(self) -> date:
        """Today by the later of the wall clock and the last stamp: a Pi that booted at 1970 still knows the date."""
        last = int(self._scalar("SELECT value FROM meta WHERE key = 'hlc'"))
        return clock.stamp_date(max(clock.pack(self._wall(), 0), last))

    # -- settings ------------------------------------------------------------------

    @property
    def settings(self) -> dict[str, Any]:
        stored = {r["key"]: json.loads(r["value"]) for r in
                  self._query("SELECT key, value FROM settings WHERE library = ?", (self.library["slug"],))}
        return {**rules.DEFAULT_SETTINGS, **{k: v for k, v in stored.items() if v is not None}}

    def configure(self, **fields: Any) -> None:
        check_fields(fields, SETTINGS_FIELDS, "settings")
        bad_days = set(fields.get("open_weekdays") or []) - set(rules.WEEKDAYS)
        if bad_days:
            raise InvalidInput(f"unknown weekdays {sorted(bad_days)}; use {', '.join(rules.WEEKDAYS)}")
        self._write("library.configured", f"library:{self.library['slug']}", {"fields": fields})

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
        for key, value in values.items():
            self._conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- codes ---------------------------------------------------------------------

    def mint_codes(self, kind: str, count: int) -> list[str]:
        """Fresh label codes no other kiosk will ever mint; the counter is saved first."""
        if kind not in codes.KINDS:
            raise InvalidInput(f"kind must be one of {', '.join(codes.KINDS)}")
        if not 1 <= count <= 10_000:
            raise InvalidInput("count must be between 1 and 10000")
        key = f"code_seq:{kind}"
        with self._lock, write_transaction(self._conn, self.path):
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            start = int(row["value"]) if row else 1
            self._put_meta({key: str(start + count)})
        return [codes.mint_code(self.library["slug"], kind, self.device["part"], n) for n in range(start, start + count)]

    # -- tools ---------------------------------------------------------------------

    def add_tool(self, code: str | None, name: str, **fields: Any) -> dict[str, Any]:
        """Adds a tool to the catalog; without a code, a fresh label code is minted."""
        code = (code or "").strip() or self.mint_codes("tool", 1)[0]
        if not name or not name.strip():
            raise InvalidInput("a tool needs a name")
        fields = _clean(check_fields({"name": name.strip(), **fields}, TOOL_FIELDS, "tool"))
        _check_status(fields)
        with self._lock, write_transaction(self._conn, self.path):
            if self._tool_row(code) is not None:
                raise InvalidInput(f"a tool with the code {code} already exists")
            self._append("tool.added", f"tool:{code}", {"code": code, "fields": fields})
        return self.tool(code)

    def edit_tool(self, code: str, **fields: Any) -> dict[str, Any]:
        fields = _clean(check_fields(fields, TOOL_FIELDS, "tool"))
        _check_status(fields)
        if "name" in fields and not fields["name"]:
            raise InvalidInput("a tool needs a name")
        if not fields:
            raise InvalidInput("nothing to change")
        with self._lock, write_transaction(self._conn, self.path):
            if self._tool_row(code) is None:
                raise NotFound(f"no tool has the code {code}")
            self._append("tool.edited", f"tool:{code}", {"code": code, "fields": fields})
        return self.tool(code)

    def set_tool_status(self, code: str, status: str, note: str | None = None) -> dict[str, Any]:
        """In repair, back in service (available), missing or retired."""
        return self.edit_tool(code, status=status, **({"notes": note} if note else {}))

    def tool(self, code: str, library: str | None = None) -> dict[str, Any]:
        row = self._tool_row(code, library)
        if row is None:
            raise NotFound(f"no tool has the code {code}")
        tool = _tool_dict(row)
        loan = self._query(
            "SELECT * FROM loans WHERE library = ? AND tool_code = ? AND closed_hlc IS NULL ORDER BY opened_hlc LIMIT 1",
            (tool["library"], code))
        tool["loan"] = loan[0] if loan else None
        return tool

    def find_tool(self, text: str) -> dict[str, Any] | None:
        """The own library's tool a scan names, by label code or maker's code (UPC-A as 12 or 13 digits)."""
        text = text.strip()
        row = self._tool_row(text)
        if row is None:
            variants = [text, "0" + text] if len(text) == 12 else [text, text[1:]] if len(text) == 13 and text.startswith("0") else [text]
            rows = self._query(
                f"SELECT * FROM tools WHERE library = ? AND maker_code IN ({','.join('?' * len(variants))}) LIMIT 1",
                (self.library["slug"], *variants))
            row = rows[0] if rows else None
        return None if row is None else self.tool(row["code"])

    def _tool_row(self, code: str, library: str | None = None) -> dict[str, Any] | None:
        rows = self._query("SELECT * FROM tools WHERE library = ? AND code = ?", (library or self.library["slug"], code))
        return rows[0] if rows else None

    def list_tools(self, *, status: str | None = None, category: str | None = None,
                   all_libraries: bool = False) -> list[dict[str, Any]]:
        sql, args = f"SELECT {_TOOL_COLUMNS} FROM tools {_PARTNER_JOIN} WHERE name IS NOT NULL", []
        if not all_libraries:
            sql += " AND tools.library = ?"
            args.append(self.library["slug"])
        if status:
            sql += " AND COALESCE(pa.status, tools.status) = ?"
            args.append(status)
        if category:
            sql += " AND (category = ? OR category LIKE ?)"
            args += [category, category + " > %"]
        sql += " ORDER BY tools.library, name, tools.code"
        return [_tool_dict(r) for r in self._query(sql, tuple(args))]

    def search_tools(self, query: str, *, limit: int = 50, all_libraries: bool = False) -> list[dict[str, Any]]:
        match = search.match_expression(query)
        if match is None:
            return []
        sql = (f"SELECT {_TOOL_COLUMNS} FROM tools_fts JOIN tools ON tools.rowid = tools_fts.rowid {_PARTNER_JOIN} "
               "WHERE tools_fts MATCH ? AND tools.name IS NOT NULL")
        args: list[Any] = [match]
        if not all_libraries:
            sql += " AND tools.library = ?"
            args.append(self.library["slug"])
        sql += " ORDER BY bm25(tools_fts, 10.0, 3.0, 2.0, 2.0, 1.0, 5.0) LIMIT ?"
        args.append(limit)
        return [_tool_dict(r) for r in self._query(sql, tuple(args))]

    def categories(self) -> list[str]:
        """Every category path in use, parents included, sorted: the tree as a list."""
        paths: set[str] = set()
        for row in self._query("SELECT DISTINCT category FROM tools WHERE library = ? AND category IS NOT NULL",
                               (self.library["slug"],)):
            parts = [p.strip() for p in row["category"].split(">")]
            paths.update(" > ".join(parts[: i + 1]) for i in range(len(parts)))
        return sorted(paths)

    # -- members -------------------------------------------------------------------

    def add_member(self, code: str | None, name: str, **fields: Any) -> dict[str, Any]:
        code = (code or "").strip() or self.mint_codes("member", 1)[0]
        if not name or not name.strip():
            raise InvalidInput("a member needs a name")
        fields = _clean(check_fields({"name": name.strip(), **fields}, MEMBER_FIELDS, "member"))
        _check_member(fields)
        with self._lock, write_transaction(self._conn, self.path):
            if self._member_row(code) is not None:
                raise InvalidInput(f"a member with the card {code} already exists")
            self._append("member.added", f"member:{code}", {"code": code, "fields": fields})
        return self.member(code)

    def edit_member(self, code: str, **fields: Any) -> dict[str, Any]:
        fields = _clean(check_fields(fields, MEMBER_FIELDS, "member"))
        _check_member(fields)
        if not fields:
            raise InvalidInput("nothing to change")
        with self._lock, write_transaction(self._conn, self.path):
            if self._member_row(code) is None:
                raise NotFound(f"no member has the card {code}")
            self._append("member.edited", f"member:{code}", {"code": code, "fields": fields})
        return self.member(code)

    def accept_waiver(self, code: str) -> dict[str, Any]:
        return self.edit_member(code, waiver_version=self.settings["waiver_version"],
                                waiver_accepted_at=self.today().isoformat())

    def member(self, code: str) -> dict[str, Any]:
        row = self._member_row(code)
        if row is None:
            raise NotFound(f"no member has the card {code}")
        return row

    def find_member(self, code: str) -> dict[str, Any] | None:
        row = self._member_row(code.strip())
        return row

    def _member_row(self, code: str) -> dict[str, Any] | None:
        rows = self._query("SELECT * FROM members WHERE library = ? AND code = ?", (self.library["slug"], code))
        return rows[0] if rows else None

    def list_members(self) -> list[dict[str, Any]]:
        return self._query(
            "SELECT * FROM members WHERE library = ? AND name IS NOT NULL ORDER BY name, code", (self.library["slug"],))

    # -- lending -------------------------------------------------------------------

    def checkout_refusals(self, member_code: str, tool_codes: Sequence[str], today: date | None = None) -> list[Refusal]:
        """Every reason this checkout would be refused; empty when it would go through."""
        today = today or self.today()
        member = self.find_member(member_code)
        tools = [(code, self._tool_for_checkout(code)) for code in tool_codes]
        out = self._open_loan_count(member_code) if member else 0
        return rules.checkout_refusals(member, member_code, tools, out, self.settings, today)

    def _tool_for_checkout(self, code: str) -> dict[str, Any] | None:
        row = self._tool_row(code)
        return None if row is None else _tool_dict(row)

    def _open_loan_count(self, member_code: str) -> int:
        return self._scalar("SELECT count(*) FROM loans WHERE library = ? AND member_code = ? AND closed_by IS NULL",
                            (self.library["slug"], member_code))

    def checkout(self, member_code: str, tool_codes: Sequence[str], today: date | None = None) -> list[dict[str, Any]]:
        """All or nothing: if any tool is refused, none go out and every reason is raised."""
        if not tool_codes:
            raise InvalidInput("scan at least one tool to check out")
        with self._lock, write_transaction(self._conn, self.path):
            today = today or self.today()
            refusals = self.checkout_refusals(member_code, tool_codes, today)
            if refusals:
                raise Refused(refusals)
            settings, loan_ids = self.settings, []
            for code in tool_codes:
                tool = self._tool_for_checkout(code)
                due = rules.due_date(today, rules.loan_days(tool, settings), settings)
                loan_id = uuid7()
                self._append("loan.opened", f"loan:{loan_id}", {
                    "loan_id": loan_id, "tool": code, "member": member_code, "due": due.isoformat(),
                    "at": today.isoformat()})
                loan_ids.append(loan_id)
        return [self.loan(i) for i in loan_ids]

    def checkin(self, tool_code: str, condition: str = "ok", note: str | None = None,
                missing_parts: Sequence[str] = (), today: date | None = None) -> dict[str, Any]:
        """Returns a tool by its code alone. A tool this kiosk did not know was out is
        recorded all the same: the return closes that loan when it arrives."""
        if condition not in CONDITIONS:
            raise InvalidInput(f"condition must be one of {', '.join(CONDITIONS)}")
        with self._lock, write_transaction(self._conn, self.path):
            tool = self._tool_row(tool_code)
            if tool is None:
                raise NotFound(f"no tool has the code {tool_code}")
            open_loans = self._conn.execute(
                "SELECT id FROM loans WHERE library = ? AND tool_code = ? AND closed_hlc IS NULL ORDER BY opened_hlc",
                (self.library["slug"], tool_code)).fetchall()
            event = self._append("loan.returned", f"tool:{tool_code}", {
                "tool": tool_code, "loan_id": open_loans[0]["id"] if len(open_loans) == 1 else None,
                "condition": condition, "note": note or None, "missing_parts": list(missing_parts),
                "at": (today or self.today()).isoformat()})
            status = rules.status_after_return(condition)
            if status:  # a catalog change partner libraries see too; the borrower's note stays in the return
                fields = {"status": status}
                if missing_parts:
                    fields["notes"] = "Parts missing: " + ", ".join(missing_parts)
                self._append("tool.edited", f"tool:{tool_code}", {"code": tool_code, "fields": fields})
        closed = self._query("SELECT * FROM loans WHERE closed_by = ?", (event.id,))
        return {"tool": self.tool(tool_code), "loans": closed, "known_loan": bool(closed)}

    def renew(self, tool_code: str, today: date | None = None) -> dict[str, Any]:
        with self._lock, write_transaction(self._conn, self.path):
            today = today or self.today()
            rows = self._conn.execute(
                "SELECT * FROM loans WHERE library = ? AND tool_code = ? AND closed_hlc IS NULL ORDER BY opened_hlc",
                (self.library["slug"], tool_code)).fetchall()
            if not rows:
                raise NotFound(f"the tool {tool_code} is not on loan")
            loan = dict(rows[0])
            refusal = rules.renewal_refusal(loan, self.settings, today)
            if refusal:
                raise Refused([refusal])
            due = rules.renewed_due(loan, _tool_dict(self._tool_row(tool_code)), self.settings, today)
            self._append("loan.renewed", f"loan:{loan['id']}", {"loan_id": loan["id"], "due": due.isoformat()})
        return self.loan(loan["id"])

    def loan(self, loan_id: str) -> dict[str, Any]:
        rows = self._query(_LOAN_SELECT + " WHERE l.id = ?", (loan_id,))
        if not rows:
            raise NotFound(f"no loan {loan_id}")
        return rows[0]

    def loans(self, *, member_code: str | None = None, tool_code: str | None = None,
              open_only: bool = True) -> list[dict[str, Any]]:
        sql, args = _LOAN_SELECT + " WHERE l.library = ?", [self.library["slug"]]
        if member_code:
            sql += " AND l.member_code = ?"
            args.append(member_code)
        if tool_code:
            sql += " AND l.tool_code = ?"
            args.append(tool_code)
        if open_only:
            sql += " AND l.closed_by IS NULL"
        return self._query(sql + " ORDER BY l.due, l.opened_hlc", tuple(args))

    def overdue(self, as_of: date | None = None) -> list[dict[str, Any]]:
        """Open loans past their due date, oldest first, with whom to contact."""
        as_of = as_of or self.today()
        rows = self._query(
            """SELECT l.tool_code, t.name AS tool_name, l.member_code, m.name AS member_name,
                      m.email, m.phone, l.due
               FROM loans l LEFT JOIN tools t ON t.library = l.library AND t.code = l.tool_code
               LEFT JOIN members m ON m.library = l.library AND m.code = l.member_code
               WHERE l.closed_by IS NULL AND l.due < ? AND l.library = ?
               ORDER BY l.due, l.opened_hlc""",
            (as_of.isoformat(), self.library["slug"]))
        return [{
            "tool_code": r["tool_code"], "tool_name": r["tool_name"], "member_code": r["member_code"],
            "member_name": r["member_name"], "contact": " / ".join(c for c in (r["phone"], r["email"]) if c),
            "due": r["due"], "days_overdue": rules.days_overdue(r["due"], as_of),
        } for r in rows]

    # -- conflicts -----------------------------------------------------------------

    def conflicts(self, *, include_resolved: bool = False) -> list[dict[str, Any]]:
        sql = "SELECT * FROM conflicts WHERE library = ?" + ("" if include_resolved else " AND status = 'open'")
        result = []
        for conflict in self._query(sql + " ORDER BY detected_hlc", (self.library["slug"],)):
            conflict["loans"] = [self.loan(i) for i in (conflict["loan_a"], conflict["loan_b"]) if i and self._has_loan(i)]
            result.append(conflict)
        return result

    def _has_loan(self, loan_id: str) -> bool:
        return bool(self._query("SELECT 1 FROM loans WHERE id = ?", (loan_id,)))

    def resolve_conflict(self, conflict_id: str, resolution: str, note: str | None = None) -> dict[str, Any]:
        if not resolution.strip():
            raise InvalidInput("say how the conflict was settled")
        with self._lock, write_transaction(self._conn, self.path):
            if not self._conn.execute("SELECT 1 FROM conflicts WHERE id = ? AND library = ?",
                                      (conflict_id, self.library["slug"])).fetchone():
                raise NotFound(f"no conflict {conflict_id}")
            self._append("conflict.resolved", f"conflict:{conflict_id}",
                         {"conflict_id": conflict_id, "resolution": resolution.strip(), "note": note})
        return dict(self._query("SELECT * FROM conflicts WHERE id = ?", (conflict_id,))[0])

    # -- statistics and privacy ----------------------------------------------------

    def stats(self, today: date | None = None) -> dict[str, Any]:
        today = today or self.today()
        lib = self.library["slug"]
        one = lambda sql, *a: self._scalar(sql, (lib, *a))  # noqa: E731
        by_status = {r["status"]: r["n"] for r in self._query(
            "SELECT status, count(*) AS n FROM tools WHERE library = ? AND name IS NOT NULL GROUP BY status", (lib,))}
        return {
            "tools": sum(by_status.values()), "tools_by_status": by_status,
            "members": one("SELECT count(*) FROM members WHERE library = ? AND name IS NOT NULL"),
            "loans_total": one("SELECT count(*) FROM loans WHERE library = ?"),
            "loans_open": one("SELECT count(*) FROM loans WHERE library = ? AND closed_by IS NULL"),
            "loans_overdue": one("SELECT count(*) FROM loans WHERE library = ? AND closed_by IS NULL AND due < ?",
                                 today.isoformat()),
            "conflicts_open": one("SELECT count(*) FROM conflicts WHERE library = ? AND status = 'open'"),
            "most_borrowed": self._query(
                """SELECT l.tool_code, t.name, count(*) AS loans FROM loans l
                   LEFT JOIN tools t ON t.library = l.library AND t.code = l.tool_code
                   WHERE l.library = ? GROUP BY l.tool_code ORDER BY loans DESC, l.tool_code LIMIT 10""", (lib,)),
            "never_borrowed": one(
                """SELECT count(*) FROM tools t WHERE t.library = ? AND t.name IS NOT NULL AND NOT EXISTS
                   (SELECT 1 FROM loans l WHERE l.library = t.library AND l.tool_code = t.code)"""),
        }

    def forget_old_borrowers(self, today: date | None = None) -> int:
        """Returned loans older than the retention period forget who borrowed them, in the log too."""
        cutoff = rules.forget_before(today or self.today(), self.settings).isoformat()
        with self._lock, write_transaction(self._conn, self.path):
            ids = [r["id"] for r in self._conn.execute(
                "SELECT id FROM loans WHERE member_code IS NOT NULL AND closed_by IS NOT NULL AND closed_at < ? AND library = ?",
                (cutoff, self.library["slug"]))]
            for loan_id in ids:
                self._conn.execute(
                    "UPDATE events SET payload = json_set(payload, '$.member', NULL) WHERE entity = ? AND type = 'loan.opened'",
                    (f"loan:{loan_id}",))
                self._conn.execute("UPDATE loans SET member_code = NULL WHERE id = ?", (loan_id,))
        return len(ids)

    # -- sync ----------------------------------------------------------------------

    def outbox(self, limit: int = 500, *, exclude: Collection[str] = ()) -> list[Event]:
        """Own events the server has not acknowledged, oldest first, less the ids in ``exclude``."""
        skip = f" AND id NOT IN ({','.join('?' * len(exclude))})" if exclude else ""
        rows = self._query(
            f"SELECT * FROM events WHERE device = ? AND server_seq IS NULL{skip} ORDER BY device_seq LIMIT ?",
            (self.device["id"], *exclude, limit))
        return [Event.from_row(r) for r in rows]

    def own_events(self, *, after_device_seq: int = 0, limit: int = 500) -> list[Event]:
        """Own events by device sequence, acknowledged or not: what a server restored from an older copy lost."""
        rows = self._query("SELECT * FROM events WHERE device = ? AND device_seq > ? ORDER BY device_seq LIMIT ?",
                           (self.device["id"], after_device_seq, limit))
        return [Event.from_row(r) for r in rows]

    def outbox_size(self) -> int:
        return self._scalar("SELECT count(*) FROM events WHERE device = ? AND server_seq IS NULL",
                            (self.device["id"],))

    def apply_sync(self, batch: SyncBatch) -> dict[str, int]:
        """Acknowledgements, new events and cursors in one transaction: a cut-off sync is simply repeated."""
        counts = {"acknowledged": 0, "received": 0, "duplicates": 0, "unknown": 0}
        with self._lock, write_transaction(self._conn, self.path):
            for event_id, server_seq in batch.acks.items():
                counts["acknowledged"] += self._conn.execute(
                    "UPDATE events SET server_seq = ? WHERE id = ? AND server_seq IS NULL", (server_seq, event_id)).rowcount
            stamp = int(self._conn.execute("SELECT value FROM meta WHERE key = 'hlc'").fetchone()[0])
            next_seq = int(self._conn.execute("SELECT value FROM meta WHERE key = 'next_seq'").fetchone()[0])
            for event in batch.events:
                if self._conn.execute("SELECT 1 FROM events WHERE id = ?", (event.id,)).fetchone():
                    counts["duplicates"] += 1
                    continue
                self._insert_event(event)
                stamp = max(stamp, event.hlc)
                if event.device == self.device["id"]:  # this kiosk restored from a backup gets its own past back
                    next_seq = max(next_seq, event.seq + 1)
                counts["received" if event.known else "unknown"] += 1
            self._put_meta({"next_seq": str(next_seq)})
            for row in batch.availability:
                self._conn.execute(
                    "INSERT OR REPLACE INTO partner_availability (library, code, status, due_back) VALUES (?, ?, ?, ?)",
                    (row["library"], row["code"], row["status"], row.get("due_back")))
            if batch.server_time_ms is not None:
                stamp = max(stamp, clock.pack(batch.server_time_ms, 0))
            self._put_meta({**batch.meta, "hlc": str(clock.observe(stamp, stamp, self._wall()))})
        return counts

    # -- rebuilding ----------------------------------------------------------------

    def rebuild(self) -> int:
        """Clears every derived table and replays the log; returns the number of events applied."""
        with self._lock, write_transaction(self._conn, self.path), _large_cache(self._conn):
            for table in schema.PROJECTION_TABLES:
                self._conn.execute(f"DELETE FROM {table}")
            applied = 0
            for row in self._conn.execute("SELECT * FROM events ORDER BY seq"):
                event = Event.from_row(row)
                known = projections.apply(self._conn, event)
                applied += known
                if known != bool(row["applied"]):
                    self._conn.execute("UPDATE events SET applied = ? WHERE seq = ?", (int(known), row["seq"]))
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

    # -- plumbing ------------------------------------------------------------------

    def _query(self, sql: str, args: tuple = ()) -> list[dict[str, Any]]:
        """Rows as dicts (sqlite-utils), with SQLite's failures in plain words."""
        with self._lock:
            try:
                return list(self.db.query(sql, args))
            except sqlite3.Error as exc:
                raise translate(exc, self.path) from None

    def _scalar(self, sql: str, args: tuple = ()) -> Any:
        return next(iter(self._query(sql, args)[0].values()))


# Partner tools show the availability the server reported; own tools their own status.
_TOOL_COLUMNS = "tools.*, COALESCE(pa.status, tools.status) AS availability, pa.due_back"
_PARTNER_JOIN = "LEFT JOIN partner_availability pa ON pa.library = tools.library AND pa.code = tools.code"

_LOAN_SELECT = """SELECT l.*, t.name AS tool_name, m.name AS member_name FROM loans l
    LEFT JOIN tools t ON t.library = l.library AND t.code = l.tool_code
    LEFT JOIN members m ON m.library = l.library AND m.code = l.member_code"""


@contextlib.contextmanager
def _large_cache(conn: sqlite3.Connection, kib: int = 256_000) -> Iterator[None]:
    """A rebuild touches every page of the derived tables: keep them in memory while it runs."""
    previous = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = -{kib}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {previous}")


def _open_file(path: Path) -> sqlite3.Connection:
    conn = connect(path)
    try:
        schema.migrate(conn)
    except sqlite3.Error as exc:
        conn.close()
        raise translate(exc, path) from None
    except StorageError:
        conn.close()
        raise
    return conn


def _as_sqlite_error(exc: OSError) -> sqlite3.Error:
    return sqlite3.OperationalError(f"{exc.strerror or exc}: read-only" if exc.errno in (13, 30) else str(exc))


def _tool_dict(row: dict[str, Any]) -> dict[str, Any]:
    tool = dict(row)
    if "availability" in tool:
        tool["status"] = tool.pop("availability")
    tool["kit"] = json.loads(tool["kit"]) if tool.get("kit") else []
    return tool


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    """Text trimmed, and empty text stored as no value."""
    cleaned = {}
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip() or None
        cleaned[name] = value
    return cleaned


def _check_status(fields: dict[str, Any]) -> None:
    if fields.get("status") is not None and fields["status"] not in TOOL_STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(TOOL_STATUSES)}")


def _check_member(fields: dict[str, Any]) -> None:
    if fields.get("status") is not None and fields["status"] not in MEMBER_STATUSES:
        raise InvalidInput(f"member status must be one of {', '.join(MEMBER_STATUSES)}")
    if fields.get("expires"):
        try:
            date.fromisoformat(fields["expires"])
        except ValueError:
            raise InvalidInput(f"expiry must be a date like 2027-03-31, not {fields['expires']!r}") from None
    if fields.get("loan_limit") is not None and fields["loan_limit"] < 0:
        raise InvalidInput("a loan limit cannot be negative")

