"""Holds: waiting lists for tools that are out, the hold shelf, and what a return or checkout does to them.

Each step is events in the log, written in the transaction of the step that
causes it: a return a member waits for sets the tool aside for them, a
checkout by that member picks their hold up, a cancelled or expired hold passes
the tool to the next in line. Dates come from ``today()``, never from stamps.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from kiosk.ledger import hold_rules
from kiosk.ledger.catalog import Catalog
from kiosk.ledger.errors import InvalidInput, NotFound, Refused
from kiosk.ledger.hold_views import HOLD_SELECT as _HOLD_SELECT, WAITING_FOR_TOOL as _WAITING_FOR_TOOL, hold_view
from kiosk.ledger.ids import uuid7
from kiosk.ledger.members import Members
from kiosk.ledger.store import write_transaction

class Holds(Catalog, Members):
    # -- placing, cancelling, moving ---------------------------------------------------

    def hold_refusals(self, member_code: str, tool_code: str, *, any_copy: bool = False,
                      today: date | None = None) -> list:
        """Every reason this member cannot join the waiting list for this tool; empty when they can."""
        today = today or self.today()
        member = self.find_member(member_code)
        tool = self._tool_row(tool_code)
        lib = self.library["slug"]
        active = self._scalar("SELECT count(*) FROM holds WHERE library = ? AND member_code = ? AND status IN ('waiting', 'ready')",
                              (lib, member_code))
        codes = self._copies(tool) if tool and any_copy else [tool_code]
        marks = ",".join("?" * len(codes))
        has_it = bool(self._query(f"SELECT 1 FROM loans WHERE library = ? AND member_code = ? AND closed_by IS NULL "
                                  f"AND tool_code IN ({marks}) LIMIT 1", (lib, member_code, *codes)))
        already = bool(self._query(f"SELECT 1 FROM holds WHERE library = ? AND member_code = ? AND status IN ('waiting', 'ready') "
                                   f"AND (tool_code IN ({marks}) OR set_aside_tool IN ({marks})) LIMIT 1",
                                   (lib, member_code, *codes, *codes)))
        return hold_rules.place_refusals(member, member_code, tool_code, tool, active_holds=active, has_it=has_it,
                                         already_waiting=already, settings=self.settings, today=today)

    def place_hold(self, member_code: str, tool_code: str, *, any_copy: bool = False,
                   today: date | None = None) -> dict[str, Any]:
        """Puts the member on the waiting list; a tool on the open shelf is set aside for them at once."""
        with self._lock, write_transaction(self._conn, self.path):
            today = today or self.today()
            refusals = self.hold_refusals(member_code, tool_code, any_copy=any_copy, today=today)
            if refusals:
                raise Refused(refusals)
            hold_id = uuid7()
            self._append("hold.placed", f"hold:{hold_id}", {
                "hold_id": hold_id, "member": member_code, "tool": tool_code, "any_copy": any_copy,
                "at": today.isoformat()})
            tool = self._tool_row(tool_code)
            for code in self._copies(tool) if any_copy else [tool_code]:
                self._settle_tool(code, today)
        return self.hold(hold_id, today)

    def cancel_hold(self, hold_id: str, reason: str | None = None, today: date | None = None) -> dict[str, Any]:
        """Ends a hold; a tool set aside for it goes to the next in line, or back to the shelf."""
        reason = _reason(reason, required=False)
        with self._lock, write_transaction(self._conn, self.path):
            today = today or self.today()
            hold = self._hold_row(hold_id)
            if hold["status"] not in ("waiting", "ready"):
                raise InvalidInput(f"this hold has already ended ({hold['status']})")
            self._append("hold.cancelled", f"hold:{hold_id}", {"hold_id": hold_id, "at": today.isoformat(), "reason": reason})
            passed = self._settle_tool(hold["set_aside_tool"], today) if hold["status"] == "ready" else None
        return {"hold": self.hold(hold_id, today), "passed_to": passed}

    def expire_hold(self, hold_id: str, today: date | None = None) -> dict[str, Any]:
        """The volunteer's step at the hold shelf once a pickup window is over: the tool goes
        to the next in line (``passed_to``), or back to the open shelf when no one waits."""
        with self._lock, write_transaction(self._conn, self.path):
            today = today or self.today()
            hold = self._hold_row(hold_id)
            if hold["status"] != "ready":
                raise InvalidInput(f"only a hold on the hold shelf can expire; this one is {hold['status']}")
            if hold_rules.is_live(hold, today):
                raise InvalidInput(f"its pickup window runs until {hold['ready_until']}")
            self._append("hold.expired", f"hold:{hold_id}", {"hold_id": hold_id, "at": today.isoformat()})
            passed = self._settle_tool(hold["set_aside_tool"], today)
        return {"hold": self.hold(hold_id, today), "passed_to": passed}

    def set_aside_next(self, tool_code: str, today: date | None = None) -> dict[str, Any]:
        """Sets a tool on the open shelf aside for the first member waiting for it."""
        with self._lock, write_transaction(self._conn, self.path):
            today = today or self.today()
            tool = self._tool_row(tool_code)
            if tool is None:
                raise NotFound(f"no tool has the code {tool_code}")
            if tool["status"] != "available" or not self._waiting_for(tool):
                raise InvalidInput(f"{tool['name']} is not on the open shelf with someone waiting for it")
            return self._settle_tool(tool_code, today)

    def reorder_hold(self, hold_id: str, position: int, reason: str, today: date | None = None) -> dict[str, Any]:
        """A coordinator moves a waiting hold to another place in line, saying why."""
        reason = _reason(reason, required=True)
        with self._lock, write_transaction(self._conn, self.path):
            today = today or self.today()
            hold = self._hold_row(hold_id)
            if hold["status"] != "waiting":
                raise InvalidInput("only a waiting hold can move in line")
            others = [h for h in self._waiting_rows(near=hold) if h["id"] != hold_id and hold_rules.competes(h, hold)]
            if not 1 <= position <= len(others) + 1:
                raise InvalidInput(f"the place in line must be from 1 to {len(others) + 1}")
            if not others:
                raise InvalidInput("no one else is waiting for this tool")
            order = hold_rules.reorder_value([h["sort_order"] for h in others], position)
            self._append("hold.reordered", f"hold:{hold_id}",
                         {"hold_id": hold_id, "order": order, "reason": reason, "at": today.isoformat()})
        return self.hold(hold_id)

    # -- reading -------------------------------------------------------------------------

    def hold(self, hold_id: str, today: date | None = None) -> dict[str, Any]:
        row = self._hold_row(hold_id)
        places = hold_rules.positions(self._waiting_rows(near=row)) if row["status"] == "waiting" else {}
        return hold_view(row, places, today or self.today())

    def holds(self, *, member_code: str | None = None, tool_code: str | None = None, current_only: bool = False,
              today: date | None = None) -> list[dict[str, Any]]:
        """Holds in line order (waiting first, by place), then the rest newest first."""
        sql, args = _HOLD_SELECT + " WHERE h.library = ? AND h.placed_hlc IS NOT NULL", [self.library["slug"]]
        if member_code:
            sql += " AND h.member_code = ?"
            args.append(member_code)
        if tool_code:
            sql += " AND (h.tool_code = ? OR h.set_aside_tool = ?)"
            args += [tool_code, tool_code]
        if current_only:  # "+": a member's holds are found by member, not among every open hold of the library
            sql += " AND +h.status IN ('waiting', 'ready')" if member_code else " AND h.status IN ('waiting', 'ready')"
        rows = self._query(sql, tuple(args))
        places = hold_rules.positions(self._waiting_rows()) if any(r["status"] == "waiting" for r in rows) else {}
        today = today or self.today()
        rank = {"ready": 0, "waiting": 1}
        rows.sort(key=lambda r: (rank.get(r["status"], 2), r["tool_code"] or "", places.get(r["id"], 0),
                                 -(r["ended_hlc"] or r["placed_hlc"])))
        return [hold_view(r, places, today) for r in rows]

    def holds_ready_for(self, member_code: str, today: date | None = None) -> list[dict[str, Any]]:
        """What waits for this member on the hold shelf now."""
        today = today or self.today()
        rows = self._query(_HOLD_SELECT + " WHERE h.library = ? AND h.member_code = ? AND h.status = 'ready'",
                           (self.library["slug"], member_code))
        return [hold_view(r, {}, today) for r in rows if hold_rules.is_live(r, today)]

    def waiting_count(self, tool_code: str) -> int:
        tool = self._tool_row(tool_code)
        return len(self._waiting_for(tool)) if tool else 0

    def hold_shelf(self, as_of: date | None = None) -> list[dict[str, Any]]:
        """What the hold shelf holds, by deadline, and what a volunteer should do with each item:
        keep it (``keep``), pass it to the next member (``next``), put it back (``put_back``),
        or set a tool from the open shelf aside (``set_aside``)."""
        as_of = as_of or self.today()
        lib = self.library["slug"]
        line = _Line(self._waiting_rows())
        items = []
        for row in self._query(_HOLD_SELECT + " WHERE h.library = ? AND h.status = 'ready'", (lib,)):
            live = hold_rules.is_live(row, as_of)
            nxt = None if live else line.next_for(row["set_aside_tool"], row["set_aside_copy_key"])
            items.append(_shelf_item(row, row["set_aside_tool"], row["set_aside_name"], row["set_aside_shelf"],
                                     "keep" if live else "next" if nxt else "put_back", nxt, as_of))
        for tool in self._query(  # tools on the open shelf that someone waits for (for them, or for any copy)
                """SELECT o.code, o.name, o.shelf, o.copy_key FROM holds h
                   JOIN tools o ON o.library = h.library AND o.code = h.tool_code AND o.status = 'available'
                   WHERE h.library = ? AND h.status = 'waiting'
                   UNION
                   SELECT o.code, o.name, o.shelf, o.copy_key FROM holds h
                   JOIN tools t ON t.library = h.library AND t.code = h.tool_code
                   JOIN tools o ON o.library = h.library AND o.copy_key = t.copy_key AND o.status = 'available'
                   WHERE h.library = ? AND h.status = 'waiting' AND h.any_copy = 1""", (lib, lib)):
            nxt = line.next_for(tool["code"], tool["copy_key"])
            items.append(_shelf_item(None, tool["code"], tool["name"], tool["shelf"], "set_aside", nxt, as_of))
        items.sort(key=lambda i: (i["ready_until"] or "", i["tool_name"] or "", i["tool_code"]))
        return items

    # -- hooks for lending ---------------------------------------------------------------

    def _held_for(self, tool: Mapping[str, Any], today: date) -> str | None:
        """The member this tool is kept for: set aside for them, or first in line."""
        ready = [] if _open_shelf(tool) else self._query(
            "SELECT * FROM holds WHERE library = ? AND set_aside_tool = ? AND status = 'ready'",
            (self.library["slug"], tool["code"]))
        hold = hold_rules.held_for(ready, self._waiting_for(tool), tool["code"], tool.get("copy_key"), today)
        return hold["member_code"] if hold else None

    def _end_holds_on_checkout(self, member_code: str, tool: Mapping[str, Any], loan_id: str, today: date) -> None:
        """Inside a checkout: the member's hold this tool does for is picked up; a hold whose window
        is over and whose tool goes to someone else expires."""
        lib, code = self.library["slug"], tool["code"]
        at = today.isoformat()
        for stale in [] if _open_shelf(tool) else self._query(
                "SELECT * FROM holds WHERE library = ? AND set_aside_tool = ? AND status = 'ready' "
                "AND member_code IS NOT ?", (lib, code, member_code)):
            self._append("hold.expired", f"hold:{stale['id']}", {"hold_id": stale["id"], "at": at})
        mine = [h for h in self._query(_HOLD_SELECT + " WHERE h.library = ? AND h.member_code = ? "
                                       "AND +h.status IN ('waiting', 'ready')", (lib, member_code))
                if hold_rules.takes(h, code, tool.get("copy_key")) or h["set_aside_tool"] == code]
        if not mine:
            return
        mine.sort(key=lambda h: (h["set_aside_tool"] != code, h["status"] != "ready", hold_rules.queue_key(h)))
        hold = mine[0]
        self._append("hold.picked_up", f"hold:{hold['id']}", {"hold_id": hold["id"], "tool": code, "loan_id": loan_id, "at": at})
        if hold["status"] == "ready" and hold["set_aside_tool"] != code:
            self._settle_tool(hold["set_aside_tool"], today)  # the copy kept for them goes to the next in line

    def _settle_tool(self, tool_code: str | None, today: date) -> dict[str, Any] | None:
        """Inside a write: a tool on the open shelf that someone waits for is set aside for the first in line.
        Returns the hold the tool is on the hold shelf for, if it is."""
        tool = self._tool_row(tool_code) if tool_code else None
        if tool is None:
            return None
        if tool["status"] == "on_hold_shelf":
            ready = self._query("SELECT id FROM holds WHERE library = ? AND set_aside_tool = ? AND status = 'ready' "
                                "ORDER BY set_aside_hlc LIMIT 1", (self.library["slug"], tool_code))
            return self.hold(ready[0]["id"], today)
        nxt = hold_rules.next_in_line(tool_code, tool.get("copy_key"), self._waiting_for(tool))
        if tool["status"] != "available" or nxt is None:
            return None
        ready_until = hold_rules.pickup_deadline(today, self.settings)
        self._append("hold.set_aside", f"hold:{nxt['id']}", {
            "hold_id": nxt["id"], "tool": tool_code, "ready_until": ready_until.isoformat(), "at": today.isoformat()})
        return self.hold(nxt["id"], today)

    def edit_tool(self, code: str, **fields: Any) -> dict[str, Any]:
        """As the catalog's, and a tool back in service goes to whoever waits for it."""
        with self._lock, write_transaction(self._conn, self.path):
            super().edit_tool(code, **fields)
            if fields.get("status") == "available" or fields.keys() & {"name", "category", "copy_group"}:
                self._settle_tool(code, self.today())
        return self.tool(code)

    # -- helpers -------------------------------------------------------------------------

    def _hold_row(self, hold_id: str) -> dict[str, Any]:
        rows = self._query(_HOLD_SELECT + " WHERE h.id = ? AND h.library = ? AND h.placed_hlc IS NOT NULL",
                           (hold_id, self.library["slug"]))
        if not rows:
            raise NotFound(f"no hold {hold_id}")
        return rows[0]

    def _waiting_rows(self, near: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Every waiting hold, or only those in the same line as the hold ``near``."""
        sql, args = _HOLD_SELECT + " WHERE h.library = ? AND h.status = 'waiting' AND h.placed_hlc IS NOT NULL", [
            self.library["slug"]]
        if near is not None:
            sql += " AND (h.tool_code = ? OR t.copy_key = ?)"
            args += [near["tool_code"], near["copy_key"]]
        return self._query(sql, tuple(args))

    def _waiting_for(self, tool: Mapping[str, Any]) -> list[dict[str, Any]]:
        return self._query(_WAITING_FOR_TOOL, (self.library["slug"], tool["code"], tool.get("copy_key")))

    def _copies(self, tool: Mapping[str, Any] | None) -> list[str]:
        """The tool and its copies, by code."""
        if tool is None:
            return []
        rows = self._query("SELECT code FROM tools WHERE library = ? AND copy_key = ? ORDER BY code",
                           (self.library["slug"], tool.get("copy_key")))
        return [r["code"] for r in rows] or [tool["code"]]


class _Line:
    """Every waiting hold, found by the tool it names and, for "any copy", by its group of copies."""

    def __init__(self, waiting: list[dict[str, Any]]):
        self.by_tool: dict[str, list[dict[str, Any]]] = {}
        self.by_copies: dict[str, list[dict[str, Any]]] = {}
        for hold in waiting:
            self.by_tool.setdefault(hold["tool_code"], []).append(hold)
            if hold["any_copy"] and hold["copy_key"]:
                self.by_copies.setdefault(hold["copy_key"], []).append(hold)

    def next_for(self, code: str, copy_key: str | None) -> Mapping[str, Any] | None:
        candidates = self.by_tool.get(code, []) + self.by_copies.get(copy_key or "", [])
        return hold_rules.next_in_line(code, copy_key, candidates)


def _open_shelf(tool: Mapping[str, Any]) -> bool:
    """A tool whose status says available is set aside for no one: a ready hold on it would make it
    on_hold_shelf (``derived.refresh_tool_status``), so there is none to look for."""
    return tool["status"] == "available"


def _shelf_item(row: Mapping[str, Any] | None, code: str, name: str | None, shelf: str | None, action: str,
                nxt: Mapping[str, Any] | None, as_of: date) -> dict[str, Any]:
    return {
        "tool_code": code, "tool_name": name, "shelf": shelf,
        "hold_id": row["id"] if row else None,
        "member_code": row["member_code"] if row else None,
        "for": hold_rules.short_name(row["member_name"]) if row else None,
        "ready_until": row["ready_until"] if row else None,
        "state": ("ready" if hold_rules.is_live(row, as_of) else "expired") if row else "open_shelf",
        "action": action,
        "next": hold_rules.short_name(nxt["member_name"]) if nxt else None,
        "next_hold_id": nxt["id"] if nxt else None,
    }


def _reason(text: str | None, *, required: bool) -> str | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise InvalidInput("say why the hold moves in line")
        return None
    if len(text) > hold_rules.REASON_MAX:
        raise InvalidInput(f"the reason must be at most {hold_rules.REASON_MAX} characters")
    return text
