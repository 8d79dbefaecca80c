"""How each event changes the tables derived from the log.

Every function here gives the same tables whatever order the events arrive
in, so incremental application, a rebuild, and every replica agree:
- catalog, member and settings fields: last writer wins per field, by (hlc, device);
- a loan is closed by the earliest return after it (or one naming it);
- conflicts and the provisional flag are recomputed from the loans of the tool;
- holds are recomputed from their own events (``projections_holds``).
"""

from __future__ import annotations

import json
import sqlite3
from operator import itemgetter
from typing import Any, Callable

from kiosk.ledger import clock, pending, projections_holds as holds, projections_repairs as repairs
from kiosk.ledger import rules
from kiosk.ledger.derived import loans_in_play, mark_resolution, refresh_tool_status
from kiosk.ledger.events import INVENTORY_ENDINGS, Event
from kiosk.ledger.impact import borrower_tag

Key = tuple[int, str, int]
LOAN_CONFLICTS = ("double_checkout", "return_without_loan")


def apply(conn: sqlite3.Connection, event: Event, *, minted: bool = False) -> bool:
    """Applies one event already written to the log; False when it is of an unknown kind.

    ``minted``: the event opens a loan whose id was minted for it just now, so no other event
    can name that loan yet and what only such events could change is left as it is."""
    handler = _HANDLERS.get(event.type)
    if handler is None or not event.known:
        return False
    if minted and event.type == "loan.opened":
        _loan_opened(conn, event, minted=True)
    else:
        handler(conn, event)
    return True


# -- fields: last writer wins ---------------------------------------------------------

def _winning_fields(conn: sqlite3.Connection, entity: str, fields: dict[str, Any], event: Event) -> dict[str, Any]:
    """The fields whose clock this event beats; their clocks move to the event."""
    if not fields:
        return {}
    clocks = {row["field"]: (row["hlc"], row["device"]) for row in
              conn.execute("SELECT field, hlc, device FROM field_clocks WHERE entity = ?", (entity,))}
    stamp = (event.hlc, event.device)
    winners = {name: value for name, value in fields.items() if name not in clocks or stamp > clocks[name]}
    conn.executemany("INSERT OR REPLACE INTO field_clocks (entity, field, hlc, device) VALUES (?, ?, ?, ?)",
                     [(entity, name, event.hlc, event.device) for name in winners])
    return winners


def _upsert(conn: sqlite3.Connection, table: str, key: dict[str, Any], values: dict[str, Any]) -> None:
    conn.execute(
        f"INSERT OR IGNORE INTO {table} ({', '.join(key)}) VALUES ({', '.join('?' * len(key))})",
        tuple(key.values()),
    )
    if values:
        assignments = ", ".join(f"{name} = ?" for name in values)
        where = " AND ".join(f"{name} = ?" for name in key)
        conn.execute(f"UPDATE {table} SET {assignments} WHERE {where}", (*values.values(), *key.values()))


def _configure(conn: sqlite3.Connection, event: Event) -> None:
    winners = _winning_fields(conn, f"library:{event.library}", event.payload.get("fields", {}), event)
    for name, value in winners.items():
        conn.execute(
            "INSERT OR REPLACE INTO settings (library, key, value) VALUES (?, ?, ?)",
            (event.library, name, json.dumps(value)),
        )


def _tool_fields(conn: sqlite3.Connection, event: Event) -> None:
    code = event.payload["code"]
    winners = _winning_fields(conn, f"tool:{event.library}:{code}", event.payload.get("fields", {}), event)
    if "status" in winners:
        winners["service_status"] = winners.pop("status") or "available"
    if "kit" in winners:
        winners["kit"] = json.dumps(winners["kit"]) if winners["kit"] is not None else None
    if event.type == "tool.added":
        winners["added_at"] = _event_day(event)
    _upsert(conn, "tools", {"library": event.library, "code": code}, winners)
    tool, later = (event.library, code), pending.active(conn)
    if later is not None:
        if winners.keys() & {"name", "category", "copy_group"}:
            later.copy_keys.add(tool)
        later.status.add(tool)
        later.index.add(tool)
        return
    if winners.keys() & {"name", "category", "copy_group"}:
        holds.refresh_copy_key(conn, *tool)
    refresh_tool_status(conn, *tool)
    index_tool(conn, *tool)


def _member_fields(conn: sqlite3.Connection, event: Event) -> None:
    code = event.payload["code"]
    winners = _winning_fields(conn, f"member:{event.library}:{code}", event.payload.get("fields", {}), event)
    if event.type == "member.added":
        winners["joined"] = _event_day(event)
    _upsert(conn, "members", {"library": event.library, "code": code}, winners)


def _event_day(event: Event) -> str:
    """The day an adding event says it happened, else the day of its stamp (events of older software)."""
    at = event.payload.get("at")
    return at if isinstance(at, str) and len(at) == 10 else clock.stamp_date(event.hlc).isoformat()


def index_tool(conn: sqlite3.Connection, library: str, code: str) -> None:
    row = conn.execute(
        "SELECT rowid, name, category, brand, model, keywords, code FROM tools WHERE library = ? AND code = ?",
        (library, code),
    ).fetchone()
    conn.execute("DELETE FROM tools_fts WHERE rowid = ?", (row["rowid"],))
    conn.execute(
        "INSERT INTO tools_fts (rowid, name, category, brand, model, keywords, code) VALUES (?, ?, ?, ?, ?, ?, ?)",
        tuple(row),
    )


# -- loans and returns ---------------------------------------------------------------

def _loan_opened(conn: sqlite3.Connection, event: Event, *, minted: bool = False) -> None:
    p = event.payload
    kept = p.get("borrower") or {}  # what a forgotten borrower left for the impact report: counts, not a person
    conn.execute(
        """INSERT OR IGNORE INTO loans (id, library, tool_code, member_code, opened_hlc, opened_device,
               opened_seq, opened_at, due, borrower_tag, borrower_area, borrower_joined)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (p["loan_id"], event.library, p["tool"], p.get("member"), event.hlc, event.device, event.seq, p["at"], p["due"],
         kept.get("tag") or borrower_tag(event.library, p.get("member")), kept.get("area"), kept.get("joined")),
    )
    if not minted:
        _renewals_changed(conn, p["loan_id"])  # renewals seen before their loan
    elif pending.active(conn) is None and not _meets_others(conn, event.library, p["tool"], p["loan_id"], event.hlc):
        # no event names a loan minted just now, so no return closes it, and it meets no other loan or
        # return: refresh_tool_loans would find the tool's loan conflicts and flags as they are
        holds.refresh_tool(conn, event.library, p["tool"], event.hlc)
        return
    closer = conn.execute(
        """SELECT * FROM returns WHERE loan_id = ?
           OR (library = ? AND tool_code = ? AND loan_id IS NULL AND (hlc, device, seq) > (?, ?, ?))
           ORDER BY hlc, device, seq LIMIT 1""",
        (p["loan_id"], event.library, p["tool"], event.hlc, event.device, event.seq),
    ).fetchone()
    since = event.hlc
    if closer is not None:
        _close(conn, p["loan_id"], closer)
        since = min(since, closer["hlc"])  # a return naming it may bear an earlier clock: it is no longer without a loan
    _loans_changed(conn, event.library, p["tool"], since)


def _meets_others(conn: sqlite3.Connection, library: str, tool: str, loan_id: str, hlc: int) -> bool:
    """Whether another loan of the tool is open, or a loan or return of it bears a clock from ``hlc`` on
    (one stamped far ahead by a kiosk whose clock ran wild): what ``refresh_tool_loans`` would look at."""
    return bool(conn.execute(
        """SELECT EXISTS (SELECT 1 FROM loans WHERE library = ?1 AND tool_code = ?2 AND closed_hlc IS NULL AND id != ?3)
               OR EXISTS (SELECT 1 FROM loans WHERE library = ?1 AND tool_code = ?2 AND closed_hlc >= ?4)
               OR EXISTS (SELECT 1 FROM loans WHERE library = ?1 AND tool_code = ?2 AND opened_hlc >= ?4 AND id != ?3)
               OR EXISTS (SELECT 1 FROM returns WHERE library = ?1 AND tool_code = ?2 AND hlc >= ?4)""",
        (library, tool, loan_id, hlc)).fetchone()[0])


def _loan_renewed(conn: sqlite3.Connection, event: Event) -> None:
    _renewals_changed(conn, event.payload["loan_id"])


def _renewals_changed(conn: sqlite3.Connection, loan_id: str) -> None:
    later = pending.active(conn)
    if later is None:
        apply_renewals(conn, loan_id)
    else:
        later.renewals.add(loan_id)


def _loans_changed(conn: sqlite3.Connection, library: str, tool: str, since_hlc: int) -> None:
    later = pending.active(conn)
    if later is None:
        refresh_tool_loans(conn, library, tool, since_hlc)
    else:
        later.note_loans(library, tool, since_hlc)


def apply_renewals(conn: sqlite3.Connection, loan_id: str) -> None:
    """The count of renewals that stand, and the due date of the latest one by (hlc, device).
    A renewal stamped after the loan's return is void (``rules.renewal_counts``)."""
    loan = conn.execute("SELECT closed_hlc, closed_device FROM loans WHERE id = ?", (loan_id,)).fetchone()
    closed = None if loan is None or loan["closed_hlc"] is None else (loan["closed_hlc"], loan["closed_device"])
    renewals = [r for r in conn.execute(
        "SELECT hlc, device, payload FROM events WHERE entity = ? AND type = 'loan.renewed' ORDER BY hlc DESC, device DESC",
        (f"loan:{loan_id}",),
    ) if rules.renewal_counts((r["hlc"], r["device"]), closed)]
    if renewals:
        conn.execute("UPDATE loans SET renewals = ?, due = ? WHERE id = ?",
                     (len(renewals), json.loads(renewals[0]["payload"])["due"], loan_id))
    elif loan is not None:
        opened = conn.execute("SELECT payload FROM events WHERE entity = ? AND type = 'loan.opened'",
                              (f"loan:{loan_id}",)).fetchone()
        if opened is not None:
            conn.execute("UPDATE loans SET renewals = 0, due = ? WHERE id = ?",
                         (json.loads(opened["payload"])["due"], loan_id))


def parts_text(parts: list | None) -> str:
    """A return's missing parts as the returns table keeps them: a JSON list, empty when none."""
    return json.dumps(parts) if parts else "[]"


def _loan_returned(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    conn.execute(
        """INSERT OR IGNORE INTO returns (event_id, library, tool_code, loan_id, hlc, device, seq, at,
               condition, note, missing_parts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (event.id, event.library, p["tool"], p.get("loan_id"), event.hlc, event.device, event.seq, p["at"],
         p.get("condition", "ok"), p.get("note"), parts_text(p.get("missing_parts"))),
    )
    ret = {"event_id": event.id, "hlc": event.hlc, "device": event.device, "seq": event.seq, "at": p["at"],
           "condition": p.get("condition", "ok"), "note": p.get("note")}
    key = (event.hlc, event.device, event.seq)
    if p.get("loan_id"):
        candidates = conn.execute("SELECT * FROM loans WHERE id = ?", (p["loan_id"],)).fetchall()
    else:
        # loans opened before it that are open, or closed by a later return: only those it may close
        # (the + keeps SQLite on the open loans, not on every loan of the tool's history opened before it)
        candidates = conn.execute(
            """SELECT * FROM loans WHERE library = ? AND tool_code = ? AND closed_hlc IS NULL
                   AND (+opened_hlc, opened_device, opened_seq) < (?, ?, ?)
               UNION ALL
               SELECT * FROM loans WHERE library = ? AND tool_code = ? AND closed_hlc >= ?
                   AND (opened_hlc, opened_device, opened_seq) < (?, ?, ?)
                   AND (closed_hlc, closed_device, closed_seq) > (?, ?, ?)""",
            (event.library, p["tool"], *key, event.library, p["tool"], event.hlc, *key, *key),
        ).fetchall()
    since, lent_elsewhere = event.hlc, {}
    for loan in candidates:
        if loan["closed_by"] is None or key < (loan["closed_hlc"], loan["closed_device"], loan["closed_seq"]):
            _close(conn, loan["id"], ret)
            since = min(since, loan["opened_hlc"])
            if loan["tool_code"] != p["tool"]:  # a return naming a loan of another tool: that tool is back too
                lent_elsewhere[loan["tool_code"]] = min(event.hlc, loan["opened_hlc"])
    _loans_changed(conn, event.library, p["tool"], since)
    for tool, tool_since in lent_elsewhere.items():
        _loans_changed(conn, event.library, tool, tool_since)


def _close(conn: sqlite3.Connection, loan_id: str, ret: sqlite3.Row | dict[str, Any]) -> None:
    conn.execute(
        """UPDATE loans SET closed_by = ?, closed_hlc = ?, closed_device = ?, closed_seq = ?, closed_at = ?,
               return_condition = ?, return_note = ? WHERE id = ?""",
        (ret["event_id"], ret["hlc"], ret["device"], ret["seq"], ret["at"], ret["condition"], ret["note"], loan_id),
    )
    _renewals_changed(conn, loan_id)  # a renewal stamped after the return no longer stands
    _forget_if_asked(conn, loan_id)


# -- members' own choices ---------------------------------------------------------------

def _forget_if_asked(conn: sqlite3.Connection, loan_id: str) -> None:
    """A loan returned before its member asked to forget their history forgets them, even when
    the return reaches this replica after the request did."""
    loan = conn.execute(
        """SELECT l.member_code FROM loans l JOIN members m ON m.library = l.library AND m.code = l.member_code
           WHERE l.id = ? AND m.forgotten_hlc >= l.closed_hlc""", (loan_id,)).fetchone()
    if loan is not None:
        forget_loan(conn, loan_id)


def forget_loan(conn: sqlite3.Connection, loan_id: str) -> None:
    keep_report_counts(conn, [loan_id])
    conn.execute("UPDATE events SET payload = json_set(payload, '$.member', NULL) WHERE entity = ? AND type = ?",
                 (f"loan:{loan_id}", "loan.opened"))
    conn.execute("UPDATE loans SET member_code = NULL WHERE id = ?", (loan_id,))


def keep_report_counts(conn: sqlite3.Connection, loan_ids: list[str]) -> None:
    """Before loans forget their borrower: what the impact report counts of them, in the log and the
    table alike (an opaque key for counting distinct borrowers, their area and the day they joined),
    so the report gives the same figures afterwards and a rebuild keeps them."""
    for loan_id in loan_ids:
        row = conn.execute(
            """SELECT l.library, l.member_code, l.borrower_tag, m.area, m.joined FROM loans l
               LEFT JOIN members m ON m.library = l.library AND m.code = l.member_code WHERE l.id = ?""",
            (loan_id,)).fetchone()
        if row is None:
            continue
        kept = {"tag": row["borrower_tag"] or borrower_tag(row["library"], row["member_code"]),
                "area": row["area"], "joined": row["joined"]}
        conn.execute("UPDATE events SET payload = json_set(payload, '$.borrower', json(?)) WHERE entity = ? AND type = ?",
                     (json.dumps(kept), f"loan:{loan_id}", "loan.opened"))
        conn.execute("UPDATE loans SET borrower_tag = ?, borrower_area = ?, borrower_joined = ? WHERE id = ?",
                     (kept["tag"], kept["area"], kept["joined"], loan_id))


def _history_forgotten(conn: sqlite3.Connection, event: Event) -> None:
    """Loans returned and holds ended before this request forget the member, in the log too."""
    code = event.payload["code"]
    conn.execute("INSERT OR IGNORE INTO members (library, code) VALUES (?, ?)", (event.library, code))
    conn.execute("UPDATE members SET forgotten_hlc = MAX(COALESCE(forgotten_hlc, 0), ?) WHERE library = ? AND code = ?",
                 (event.hlc, event.library, code))
    for loan in conn.execute(
            "SELECT id FROM loans WHERE library = ? AND member_code = ? AND closed_by IS NOT NULL AND closed_hlc <= ?",
            (event.library, code, event.hlc)).fetchall():
        forget_loan(conn, loan["id"])
    for hold in conn.execute(
            """SELECT id FROM holds WHERE library = ? AND member_code = ?
               AND status IN ('picked_up', 'cancelled', 'expired') AND ended_hlc <= ?""",
            (event.library, code, event.hlc)).fetchall():
        conn.execute("UPDATE events SET payload = json_set(payload, '$.member', NULL) WHERE entity = ? AND type = ?",
                     (f"hold:{hold['id']}", "hold.placed"))
        conn.execute("UPDATE holds SET member_code = NULL WHERE id = ?", (hold["id"],))


# -- conflicts -----------------------------------------------------------------------

def refresh_tool_loans(conn: sqlite3.Connection, library: str, tool: str, since_hlc: int) -> None:
    """Recomputes the tool's derived conflicts, provisional flags and status.

    Only the loans in play from ``since_hlc`` (the earliest moment the event
    changed) can gain or lose an overlap, and only returns from then on can
    gain or lose their loan; everything older stands as it was.
    """
    alive = loans_in_play(conn, library, tool, since_hlc)
    unmatched = conn.execute(
        """SELECT * FROM returns r WHERE library = ? AND tool_code = ? AND hlc >= ?
           AND NOT EXISTS (SELECT 1 FROM loans l WHERE l.closed_by = r.event_id
                           AND l.library = r.library AND l.tool_code = r.tool_code)""",
        (library, tool, since_hlc),
    ).fetchall()
    existing = conn.execute("SELECT * FROM conflicts WHERE library = ? AND tool_code = ?", (library, tool)).fetchall()
    settle_loans(conn, library, tool, since_hlc, alive, unmatched, existing)
    holds.refresh_tool(conn, library, tool, since_hlc)


def settle_loans(conn: sqlite3.Connection, library: str, tool: str, since_hlc: int, alive: list[sqlite3.Row],
                 unmatched: list[sqlite3.Row], existing: list[sqlite3.Row]) -> None:
    """The tool's loan conflicts and provisional flags, from its loans open at ``since_hlc``, its returns
    from then on that closed none of its loans, and the conflicts it has now."""
    alive_ids = {loan["id"] for loan in alive}
    # in opening order, each loan's keys read once rather than once for every loan after it
    spans = sorted(((_opened_key(loan), _closed_key(loan), loan) for loan in alive), key=itemgetter(0))
    found: dict[str, tuple] = {}
    for i, (_, closed, first) in enumerate(spans):
        for opened, _, second in spans[i + 1:]:
            if closed is not None and closed <= opened:
                break  # loans are in opening order: none after this one overlaps `first` either
            found[f"double:{first['id']}:{second['id']}"] = (
                "double_checkout", first["id"], second["id"], None, second["opened_hlc"])
    for ret in unmatched:
        found[f"return:{ret['event_id']}"] = ("return_without_loan", ret["loan_id"], None, ret["event_id"], ret["hlc"])
    kept = []
    for old in existing:
        stale = not old["server_reported"] and old["kind"] in LOAN_CONFLICTS and (
            old["loan_a"] in alive_ids and old["loan_b"] in alive_ids if old["kind"] == "double_checkout"
            else old["detected_hlc"] >= since_hlc)
        if stale and old["id"] not in found:
            conn.execute("DELETE FROM conflicts WHERE id = ?", (old["id"],))
        else:
            kept.append(old)
    known = {old["id"] for old in existing}
    for conflict_id, (kind, loan_a, loan_b, return_event, detected) in found.items():
        if conflict_id in known:
            continue
        conn.execute(
            """INSERT OR IGNORE INTO conflicts (id, library, kind, tool_code, loan_a, loan_b, return_event, detected_hlc)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (conflict_id, library, kind, tool, loan_a, loan_b, return_event, detected),
        )
        mark_resolution(conn, conflict_id)
    # the later loan of every double checkout still standing, whether or not both were in view
    provisional = {c[2] for c in found.values() if c[0] == "double_checkout"} | {
        old["loan_b"] for old in kept if old["kind"] == "double_checkout"}
    for loan in alive:
        flag = int(loan["id"] in provisional)
        if loan["provisional"] != flag:
            conn.execute("UPDATE loans SET provisional = ? WHERE id = ?", (flag, loan["id"]))


def _opened_key(loan: sqlite3.Row) -> Key:
    return (loan["opened_hlc"], loan["opened_device"], loan["opened_seq"])


def _closed_key(loan: sqlite3.Row) -> Key | None:
    return None if loan["closed_by"] is None else (loan["closed_hlc"], loan["closed_device"], loan["closed_seq"])


def _conflict_opened(conn: sqlite3.Connection, event: Event) -> None:
    """A conflict the server found. Its fields are the server's whether or not this replica
    derived the same conflict first, and its later loan stays provisional: both hold in any order."""
    p = event.payload
    fields = (p["kind"], p["tool"], p.get("loan_a"), p.get("loan_b"), p.get("return_event"), event.hlc)
    conn.execute(
        """INSERT OR IGNORE INTO conflicts (id, library, kind, tool_code, loan_a, loan_b, return_event, detected_hlc)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (p["conflict_id"], event.library, *fields),
    )
    conn.execute(
        """UPDATE conflicts SET server_reported = 1, kind = ?, tool_code = ?, loan_a = ?, loan_b = ?, return_event = ?,
               detected_hlc = ? WHERE id = ?""",
        (*fields, p["conflict_id"]),
    )
    if p["kind"] == "double_checkout" and p.get("loan_b"):
        conn.execute("UPDATE loans SET provisional = 1 WHERE id = ?", (p["loan_b"],))
    mark_resolution(conn, p["conflict_id"])


def _conflict_resolved(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    current = conn.execute("SELECT hlc, device FROM conflict_resolutions WHERE conflict_id = ?", (p["conflict_id"],)).fetchone()
    if current is None or (event.hlc, event.device) > (current["hlc"], current["device"]):
        conn.execute(
            "INSERT OR REPLACE INTO conflict_resolutions (conflict_id, resolution, note, hlc, device) VALUES (?, ?, ?, ?, ?)",
            (p["conflict_id"], p["resolution"], p.get("note"), event.hlc, event.device),
        )
    mark_resolution(conn, p["conflict_id"])


# -- inventory checks ------------------------------------------------------------------

def _inventory_started(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    conn.execute(
        """INSERT OR IGNORE INTO inventories (id, library, started_hlc, started_device, started_at)
           VALUES (?, ?, ?, ?, ?)""",
        (p["inventory_id"], event.library, event.hlc, event.device, p["at"]),
    )
    _inventory_ending(conn, p["inventory_id"])  # an ending seen before its start


def _inventory_seen(conn: sqlite3.Connection, event: Event) -> None:
    conn.execute("INSERT OR IGNORE INTO inventory_seen (inventory_id, tool_code) VALUES (?, ?)",
                 (event.payload["inventory_id"], event.payload["tool"]))


def _inventory_ending(conn: sqlite3.Connection, inventory_id: str) -> None:
    """The earliest ending by (hlc, device) decides: two kiosks ending one check agree on how."""
    first = conn.execute(
        f"""SELECT type, payload FROM events WHERE entity = ? AND type IN ({', '.join('?' * len(INVENTORY_ENDINGS))})
            ORDER BY hlc, device LIMIT 1""",
        (f"inventory:{inventory_id}", *INVENTORY_ENDINGS),
    ).fetchone()
    if first is not None:
        conn.execute("UPDATE inventories SET status = ?, ended_at = ? WHERE id = ?",
                     (INVENTORY_ENDINGS[first["type"]], json.loads(first["payload"])["at"], inventory_id))


_HANDLERS: dict[str, Callable[[sqlite3.Connection, Event], None]] = {
    "library.configured": _configure,
    "tool.added": _tool_fields,
    "tool.edited": _tool_fields,
    "member.added": _member_fields,
    "member.edited": _member_fields,
    "member.signed_up": _member_fields,
    "member.history_forgotten": _history_forgotten,
    "loan.opened": _loan_opened,
    "loan.renewed": _loan_renewed,
    "loan.returned": _loan_returned,
    "conflict.opened": _conflict_opened,
    "conflict.resolved": _conflict_resolved,
    "inventory.started": _inventory_started,
    "inventory.seen": _inventory_seen,
    "inventory.finished": lambda conn, event: _inventory_ending(conn, event.payload["inventory_id"]),
    "inventory.discarded": lambda conn, event: _inventory_ending(conn, event.payload["inventory_id"]),
    **holds.HANDLERS,
    **repairs.HANDLERS,
}
