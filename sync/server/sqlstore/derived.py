"""What the server derives from the events it stores: settings, tools, loans, holds, conflicts, availability."""

from __future__ import annotations

import json
from typing import Any

from kiosk.ledger.events import Event
from kiosk.ledger.ids import uuid7
from sync import protocol
from sync.protocol import photo_hash
from sync.server.db import Tx
from sync.server.derive import Loan, Return, close_loans, conflict_id, double_checkouts, renew
from sync.server.sqlstore.core import SERVER_DEVICE, kept_counts
from sync.server.sqlstore.holds import Holds
from sync.server.sqlstore.repairs import store_tickets

LOAN_COLUMNS = ("id", "library", "tool", "opened_event", "opened_hlc", "opened_device", "opened_seq", "due", "due_hlc",
                "due_device", "closed_by", "closed_hlc", "closed_device", "closed_seq", "closed_at")


class Derived(Holds):
    def _derive(self, tx: Tx, library: str, rows: list[tuple[int, Event]], head: int, server_seq: int,
                now: int) -> tuple[int, int, int]:
        events = [e for _, e in rows if e.known]
        self._settings(tx, library, [e for e in events if e.type == "library.configured"])
        touched_tools = self._tool_fields(tx, library, events)
        loans, conflicts = self._loans(tx, library, events)
        touched_tools |= {loan.tool for loan in loans.values() if loan.tool is not None and loan.changed}
        touched_tools |= {e.payload["tool"] for e in events if e.type in ("loan.opened", "loan.returned")}
        touched_tools |= self._holds(tx, library, events)
        touched_tools |= store_tickets(tx, library, events)
        for event in events:
            if event.type == "member.history_forgotten":
                self._forget_member(tx, library, event.payload["code"], event.hlc)
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

    def _forget_member(self, tx: Tx, library: str, code: str, hlc: int) -> None:
        """"Forget my history now": loans returned and holds ended before the request lose the member in the
        events the server keeps too (a return arriving later is forgotten by retention, as on the kiosks)."""
        rows = tx.rows("""SELECT e.id, e.type, e.payload FROM loans l JOIN events e ON e.id = l.opened_event
                          WHERE l.library = ? AND l.forgotten = 0 AND l.closed_hlc IS NOT NULL AND l.closed_hlc <= ?""",
                       (library, hlc))
        rows += tx.rows("""SELECT e.id, e.type, e.payload FROM holds h JOIN events e ON e.id = h.placed_event
                           WHERE h.library = ? AND h.member = ? AND h.status IN ('picked_up', 'cancelled', 'expired')""",
                        (library, code))
        kept = None
        for row in rows:
            payload = json.loads(row["payload"])
            if payload.get("member") == code:
                if row["type"] == "loan.opened" and "borrower" not in payload:  # the report's counts stay
                    kept = kept or kept_counts(tx, library, code)
                    payload["borrower"] = kept
                tx.run("UPDATE events SET payload = ? WHERE id = ?",
                       (protocol.payload_text(protocol.redact_member(payload)), row["id"]))
        tx.run("UPDATE holds SET member = NULL WHERE library = ? AND member = ? "
               "AND status IN ('picked_up', 'cancelled', 'expired')", (library, code))

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
        tools = {r["code"]: dict(r) for r in tx.rows_among("tools", "code", codes, where="library = ?", args=[library])}
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
            have = {r["sha256"] for r in tx.rows_among("photos", "sha256", missing_photos, columns="sha256")}
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
        rows = tx.rows_among("loans", "id", by_id)
        if tools:
            # three index ranges rather than one OR, which would read every loan the tools ever had
            rows += tx.rows(f"""SELECT * FROM loans WHERE library = ? AND tool {in_tools} AND closed_hlc IS NULL
                                UNION SELECT * FROM loans WHERE library = ? AND tool {in_tools} AND closed_hlc >= ?
                                UNION SELECT * FROM loans WHERE library = ? AND tool {in_tools} AND opened_hlc >= ?""",
                            [library, *tool_args, library, *tool_args, since, library, *tool_args, since])
        for row in rows:
            loans[row["id"]] = _loan(row)
        new_ids = {e.payload["loan_id"] for e in opened}
        returns: dict[str, Return] = {}
        if tools:
            for row in tx.rows(f"SELECT * FROM returns WHERE library = ? AND tool {in_tools} AND hlc >= ?",
                               [library, *tool_args, since]):
                returns[row["event_id"]] = _return(row)
        for row in tx.rows_among("returns", "loan_id", sorted(new_ids)):
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
        by_tool: dict[str, list[Loan]] = {}
        for loan in loans.values():
            by_tool.setdefault(loan.tool, []).append(loan)
        pairs = [(a, b) for tool in tools for a, b in double_checkouts(by_tool.get(tool, ()))
                 if a.id in new_loans or b.id in new_loans]
        if not pairs:
            return loans, []
        ids = [conflict_id(a, b) for a, b in pairs]
        known = {r["id"] for r in tx.rows_among("conflicts", "id", ids, columns="id")}
        return loans, [(a, b) for a, b in pairs if conflict_id(a, b) not in known]

    def _availability(self, tx: Tx, library: str, codes: set[str], head: int) -> None:
        """What partners see of these tools: in, out (and when due back), in for repair while a ticket
        is open, out of service, or on the hold shelf; and how many members wait for each (never who)."""
        codes = sorted(c for c in codes if c)
        if not codes:
            return
        in_codes, code_args = tx.among(codes)
        # found by the open loans' index alone: a test of opened_hlc would tempt the planner into the index
        # on it, and through every loan the tools ever had
        out = {r["tool"]: r["due"] for r in tx.rows(
            f"""SELECT tool, min(CASE WHEN opened_hlc IS NOT NULL THEN due END) AS due, count(opened_hlc) AS opened
                FROM loans WHERE library = ? AND tool {in_codes} AND closed_hlc IS NULL GROUP BY tool""",
            [library, *code_args]) if r["opened"]}
        current = {r["code"]: r for r in tx.rows_among("tools", "code", codes, where="library = ?", args=[library],
                                                        columns="code, service_status, status, due_back, waiting")}
        shelved = {r["set_aside_tool"] for r in tx.rows(
            f"SELECT DISTINCT set_aside_tool FROM holds WHERE library = ? AND set_aside_tool {in_codes} AND status = 'ready'",
            [library, *code_args])}
        repairing = {r["tool"] for r in tx.rows(
            f"SELECT DISTINCT tool FROM repairs WHERE library = ? AND tool {in_codes} AND is_open = 1",
            [library, *code_args])}
        waiting = {r["tool"]: r["n"] for r in tx.rows(
            f"SELECT tool, count(*) AS n FROM holds WHERE library = ? AND tool {in_codes} AND status = 'waiting' GROUP BY tool",
            [library, *code_args])}
        changed = []
        for code in codes:
            row = current.get(code)
            service = row["service_status"] if row else "available"
            if code in out:
                status, due_back = "on_loan", out[code]
            elif code in repairing and service != "retired":  # an open ticket keeps it in, as on the kiosks
                status, due_back = "in_repair", None
            else:
                status, due_back = ("on_hold_shelf" if service == "available" and code in shelved else service), None
            if row is None or (row["status"], row["due_back"], row["waiting"]) != (status, due_back, waiting.get(code, 0)):
                changed.append((library, code, status, due_back, waiting.get(code, 0), head))
        tx.upsert("tools", ("library", "code", "status", "due_back", "waiting", "changed_lseq"), changed, "library, code",
                  ("status", "due_back", "waiting", "changed_lseq"))


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
