"""Recomputations the projection modules share: a tool's status, the loans a change can reach,
and a conflict's settlement."""

from __future__ import annotations

import json
import sqlite3

_STATUS = """UPDATE tools SET status = CASE
               WHEN EXISTS (SELECT 1 FROM loans WHERE library = tools.library AND tool_code = tools.code
                            AND closed_hlc IS NULL) THEN 'on_loan'
               WHEN service_status = 'retired' THEN 'retired'
               -- an open repair ticket keeps the tool in for repair, whatever the catalog last said
               WHEN EXISTS (SELECT 1 FROM repairs WHERE library = tools.library AND tool_code = tools.code
                            AND status IN ('open', 'waiting_parts')) THEN 'in_repair'
               WHEN service_status != 'available' THEN service_status
               WHEN EXISTS (SELECT 1 FROM holds WHERE library = tools.library AND set_aside_tool = tools.code
                            AND status = 'ready') THEN 'on_hold_shelf'
               ELSE 'available' END"""


def refresh_tool_status(conn: sqlite3.Connection, library: str, tool: str) -> None:
    """On loan, else retired, else in repair while a ticket is open, else its service status when
    out of service, else on the hold shelf when set aside, else available."""
    conn.execute(_STATUS + " WHERE library = ? AND code = ?", (library, tool))


def loans_in_play(conn: sqlite3.Connection, library: str, tool: str, since_hlc: int,
                  columns: str = "*") -> list[sqlite3.Row]:
    """The tool's loans that can gain or lose an overlap from ``since_hlc`` on: open, closed since, or
    opened since (one closed by a return stamped before its opening ends "before" it began). Three
    index ranges, where one OR would read every loan the tool ever had (the "+" keeps the last on the
    loans opened since, not on all those closed before)."""
    return conn.execute(
        f"""SELECT {columns} FROM loans WHERE library = ?1 AND tool_code = ?2 AND closed_hlc IS NULL
            UNION ALL SELECT {columns} FROM loans WHERE library = ?1 AND tool_code = ?2 AND closed_hlc >= ?3
            UNION ALL SELECT {columns} FROM loans WHERE library = ?1 AND tool_code = ?2 AND opened_hlc >= ?3
                AND +closed_hlc < ?3""", (library, tool, since_hlc)).fetchall()


def refresh_statuses(conn: sqlite3.Connection, tools: list[tuple[str, str]]) -> None:
    """``refresh_tool_status`` for many tools (library, code) in one statement."""
    conn.execute(_STATUS + " WHERE (library, code) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))",
                 (json.dumps(tools),))


def mark_resolution(conn: sqlite3.Connection, conflict_id: str) -> None:
    conn.execute(
        """UPDATE conflicts SET
               status = CASE WHEN r.conflict_id IS NULL THEN 'open' ELSE 'resolved' END,
               resolution = r.resolution, resolution_note = r.note
           FROM (SELECT ? AS id) AS k LEFT JOIN conflict_resolutions r ON r.conflict_id = k.id
           WHERE conflicts.id = k.id""",
        (conflict_id,),
    )
