"""How hold events change the holds table, and what holds do to a tool's status and conflicts.

A hold is recomputed from all its own events at each one
(``hold_rules.hold_state``), so any arrival order gives the same row.

A hold is "set aside" from its latest set-aside until its end. Two holds set
aside on one tool over the same time, or a hold set aside while the tool was
lent to someone else, are conflicts for a coordinator: both sides are kept,
the later hold is marked provisional.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Callable

from kiosk.ledger import pending
from kiosk.ledger.derived import loans_in_play, mark_resolution, refresh_tool_status
from kiosk.ledger.events import Event
from kiosk.ledger.hold_rules import copy_key, hold_state

Key = tuple[int, str, int]
HOLD_CONFLICTS = ("double_set_aside", "set_aside_lent")
_COLUMNS = (
    "id", "library", "member_code", "tool_code", "any_copy", "placed_hlc", "placed_device", "placed_seq", "placed_at",
    "sort_order", "reorder_reason", "status", "set_aside_tool", "set_aside_hlc", "set_aside_device", "set_aside_seq",
    "set_aside_at", "ready_until", "ended_by", "ended_hlc", "ended_device", "ended_seq", "ended_at", "loan_id",
)


def _hold_event(conn: sqlite3.Connection, event: Event) -> None:
    later = pending.active(conn)
    if later is not None:
        later.note_hold(event.library, event.payload["hold_id"], event.hlc)
        if event.payload.get("tool"):  # a tool it named on the way, though a later event moves it on
            later.note_holds(event.library, event.payload["tool"], event.hlc)
        return
    for tool, since in rewrite_hold(conn, event.library, event.payload["hold_id"], event.hlc).items():
        refresh_tool(conn, event.library, tool, since)


def rewrite_hold(conn: sqlite3.Connection, library: str, hold_id: str, since_hlc: int) -> dict[str, int]:
    """Derives the hold's row again from its events (the earliest new one at ``since_hlc``);
    returns the tools whose hold conflicts may have changed, each with the clock they changed from."""
    before = conn.execute("SELECT tool_code, set_aside_tool, set_aside_hlc FROM holds WHERE id = ?", (hold_id,)).fetchone()
    row = _derive(conn, library, hold_id)
    conn.execute(
        f"INSERT OR REPLACE INTO holds ({', '.join(_COLUMNS)}, provisional) VALUES ({', '.join('?' * len(_COLUMNS))}, "
        "COALESCE((SELECT provisional FROM holds WHERE id = ?), 0))",
        (*(row[c] for c in _COLUMNS), hold_id),
    )
    tools = {row["tool_code"], row["set_aside_tool"]}
    since = [since_hlc] + ([row["set_aside_hlc"]] if row["set_aside_hlc"] is not None else [])
    if before is not None:
        tools |= {before["tool_code"], before["set_aside_tool"]}
        since += [before["set_aside_hlc"]] if before["set_aside_hlc"] is not None else []
    return {tool: min(since) for tool in sorted(t for t in tools if t)}


def _derive(conn: sqlite3.Connection, library: str, hold_id: str) -> dict[str, Any]:
    """The hold's row from every one of its events this replica has."""
    events = [Event.from_row(r) for r in conn.execute(
        "SELECT * FROM events WHERE entity = ? AND library = ?", (f"hold:{hold_id}", library))]
    return {"id": hold_id, "library": library, **hold_state(hold_id, events)}


def refresh_tool(conn: sqlite3.Connection, library: str, tool: str, since_hlc: int) -> None:
    """Recomputes the hold conflicts of a tool and its status.

    Only holds set aside on it and loans of it that still ran at ``since_hlc``
    (the earliest moment an event changed) can gain or lose an overlap.
    """
    holds = conn.execute(
        """SELECT * FROM holds WHERE library = ? AND set_aside_tool = ? AND set_aside_hlc IS NOT NULL
           AND (ended_hlc IS NULL OR ended_hlc >= ?)""", (library, tool, since_hlc)).fetchall()
    if holds:
        _refresh_conflicts(conn, library, tool, since_hlc, holds)
    refresh_tool_status(conn, library, tool)


def _refresh_conflicts(conn: sqlite3.Connection, library: str, tool: str, since_hlc: int,
                       holds: list[sqlite3.Row]) -> None:
    columns = "id, member_code, opened_hlc, opened_device, opened_seq, closed_by, closed_hlc, closed_device, closed_seq"
    loans = loans_in_play(conn, library, tool, since_hlc, columns)
    spans = [(h, _set_aside_span(h)) for h in holds]
    spans = sorted(((h, s) for h, s in spans if s is not None), key=lambda hs: hs[1][0])
    found: dict[str, tuple] = {}
    for i, (first, (start_a, end_a)) in enumerate(spans):
        for second, (start_b, end_b) in spans[i + 1:]:
            if start_b < end_a and _different_people(first["member_code"], second["member_code"]):
                found[f"aside:{first['id']}:{second['id']}"] = ("double_set_aside", None, first["id"], second["id"], start_b[0])
        for loan in loans:
            opened = (loan["opened_hlc"], loan["opened_device"], loan["opened_seq"])
            closed = _INFINITY if loan["closed_by"] is None else (loan["closed_hlc"], loan["closed_device"], loan["closed_seq"])
            if loan["id"] == first["loan_id"] or not _different_people(first["member_code"], loan["member_code"]):
                continue
            if opened < end_a and start_a < closed:
                found[f"aside_lent:{first['id']}:{loan['id']}"] = (
                    "set_aside_lent", loan["id"], None, first["id"], max(opened, start_a)[0])
    candidate_holds = {h["id"] for h in holds}
    candidate_loans = {loan["id"] for loan in loans}
    existing = conn.execute(
        f"SELECT * FROM conflicts WHERE library = ? AND tool_code = ? AND kind IN ({', '.join('?' * len(HOLD_CONFLICTS))})",
        (library, tool, *HOLD_CONFLICTS)).fetchall()
    kept = []
    for old in existing:
        sides_in_view = {old["hold_a"], old["hold_b"]} - {None} <= candidate_holds and (
            old["loan_a"] is None or old["loan_a"] in candidate_loans)
        if sides_in_view and old["id"] not in found:
            conn.execute("DELETE FROM conflicts WHERE id = ?", (old["id"],))
        else:
            kept.append(old)
    known = {old["id"]: old["detected_hlc"] for old in existing}
    for conflict_id, (kind, loan, hold_a, hold_b, detected) in found.items():
        if conflict_id in known:
            if known[conflict_id] != detected:  # a later set-aside moved it: as a replay of every event has it
                conn.execute("UPDATE conflicts SET detected_hlc = ? WHERE id = ?", (detected, conflict_id))
            continue
        conn.execute(
            """INSERT INTO conflicts (id, library, kind, tool_code, loan_a, hold_a, hold_b, detected_hlc)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (conflict_id, library, kind, tool, loan, hold_a, hold_b, detected))
        mark_resolution(conn, conflict_id)
    # the later hold of every conflict still standing, whether or not all its sides were in view
    provisional = {c[3] for c in found.values()} | {old["hold_b"] for old in kept}
    for hold in holds:
        flag = int(hold["id"] in provisional)
        if hold["provisional"] != flag:
            conn.execute("UPDATE holds SET provisional = ? WHERE id = ?", (flag, hold["id"]))


_INFINITY: Key = (1 << 63, "", 0)


def _set_aside_span(hold: sqlite3.Row) -> tuple[Key, Key] | None:
    """From its latest set-aside to its end; None when it ended before it was set aside."""
    start = (hold["set_aside_hlc"], hold["set_aside_device"], hold["set_aside_seq"])
    end = _INFINITY if hold["ended_by"] is None else (hold["ended_hlc"], hold["ended_device"], hold["ended_seq"])
    return (start, end) if start < end else None


def _different_people(a: str | None, b: str | None) -> bool:
    """Two members known to differ; a forgotten borrower is never a conflict."""
    return a is not None and b is not None and a != b


def refresh_copy_key(conn: sqlite3.Connection, library: str, code: str) -> None:
    row = conn.execute("SELECT name, category, copy_group FROM tools WHERE library = ? AND code = ?",
                       (library, code)).fetchone()
    conn.execute("UPDATE tools SET copy_key = ? WHERE library = ? AND code = ?", (copy_key(dict(row)), library, code))


HANDLERS: dict[str, Callable[[sqlite3.Connection, Event], None]] = {
    "hold.placed": _hold_event,
    "hold.set_aside": _hold_event,
    "hold.picked_up": _hold_event,
    "hold.cancelled": _hold_event,
    "hold.expired": _hold_event,
    "hold.reordered": _hold_event,
}
