"""The ledger's tables and the migrations between schema versions.

``PRAGMA user_version`` holds the version of a database file; opening an
older file runs the missing migrations in one transaction.
"""

from __future__ import annotations

import sqlite3
from typing import Callable

V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE events (
    seq INTEGER PRIMARY KEY,            -- local arrival order
    id TEXT NOT NULL UNIQUE,
    library TEXT NOT NULL,
    device TEXT NOT NULL,
    device_seq INTEGER NOT NULL,
    hlc INTEGER NOT NULL,
    type TEXT NOT NULL,
    version INTEGER NOT NULL,
    entity TEXT NOT NULL,
    payload TEXT NOT NULL,
    server_seq INTEGER,                 -- set once the server has it
    applied INTEGER NOT NULL DEFAULT 1, -- 0: a type or version this software does not know
    UNIQUE (device, device_seq)
);
CREATE INDEX events_entity ON events (entity);
CREATE INDEX events_unsent ON events (device, device_seq) WHERE server_seq IS NULL;

-- per-field clocks: last writer wins, ordered by (hlc, device)
CREATE TABLE field_clocks (
    entity TEXT NOT NULL, field TEXT NOT NULL, hlc INTEGER NOT NULL, device TEXT NOT NULL,
    PRIMARY KEY (entity, field)
) WITHOUT ROWID;

CREATE TABLE settings (
    library TEXT NOT NULL, key TEXT NOT NULL, value TEXT,
    PRIMARY KEY (library, key)
) WITHOUT ROWID;

CREATE TABLE tools (
    library TEXT NOT NULL,
    code TEXT NOT NULL,
    maker_code TEXT, name TEXT, category TEXT, brand TEXT, model TEXT, serial TEXT,
    description TEXT, condition TEXT,
    service_status TEXT NOT NULL DEFAULT 'available',
    status TEXT NOT NULL DEFAULT 'available',   -- service_status, or on_loan
    shelf TEXT, replacement_value REAL, loan_days INTEGER, kit TEXT, photo TEXT, notes TEXT,
    keywords TEXT,
    UNIQUE (library, code)
);
CREATE INDEX tools_maker_code ON tools (maker_code) WHERE maker_code IS NOT NULL;

CREATE TABLE members (
    library TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT, email TEXT, phone TEXT, expires TEXT, waiver_version TEXT, waiver_accepted_at TEXT,
    loan_limit INTEGER, status TEXT NOT NULL DEFAULT 'active', notes TEXT,
    PRIMARY KEY (library, code)
) WITHOUT ROWID;

CREATE TABLE loans (
    id TEXT PRIMARY KEY,
    library TEXT NOT NULL,
    tool_code TEXT NOT NULL,
    member_code TEXT,                   -- forgotten after the retention period
    opened_hlc INTEGER NOT NULL, opened_device TEXT NOT NULL, opened_seq INTEGER NOT NULL,
    opened_at TEXT NOT NULL,
    due TEXT NOT NULL,
    renewals INTEGER NOT NULL DEFAULT 0,
    closed_by TEXT,                     -- the return event that closed it
    closed_hlc INTEGER, closed_device TEXT, closed_seq INTEGER, closed_at TEXT,
    return_condition TEXT, return_note TEXT,
    provisional INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX loans_tool ON loans (library, tool_code, opened_hlc);
CREATE INDEX loans_tool_closed ON loans (library, tool_code, closed_hlc);
CREATE INDEX loans_closed_by ON loans (closed_by) WHERE closed_by IS NOT NULL;
CREATE INDEX loans_open_member ON loans (library, member_code) WHERE closed_by IS NULL;
CREATE INDEX loans_open_due ON loans (due) WHERE closed_by IS NULL;
CREATE INDEX loans_closed_at ON loans (closed_at) WHERE member_code IS NOT NULL;

CREATE TABLE returns (
    event_id TEXT PRIMARY KEY,
    library TEXT NOT NULL, tool_code TEXT NOT NULL, loan_id TEXT,
    hlc INTEGER NOT NULL, device TEXT NOT NULL, seq INTEGER NOT NULL,
    at TEXT NOT NULL, condition TEXT NOT NULL, note TEXT, missing_parts TEXT
) WITHOUT ROWID;
CREATE INDEX returns_tool ON returns (library, tool_code, hlc);
CREATE INDEX returns_loan ON returns (loan_id) WHERE loan_id IS NOT NULL;

CREATE TABLE conflicts (
    id TEXT PRIMARY KEY,
    library TEXT NOT NULL,
    kind TEXT NOT NULL,                 -- double_checkout | return_without_loan
    tool_code TEXT NOT NULL,
    loan_a TEXT, loan_b TEXT,           -- loan_b is the provisional one
    return_event TEXT,
    detected_hlc INTEGER NOT NULL,
    server_reported INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'open',
    resolution TEXT, resolution_note TEXT
) WITHOUT ROWID;
CREATE INDEX conflicts_tool ON conflicts (library, tool_code);

-- partner libraries' availability as the server last reported it (never who has a tool);
-- server state, not derived from this log, so a rebuild keeps it
CREATE TABLE partner_availability (
    library TEXT NOT NULL, code TEXT NOT NULL, status TEXT NOT NULL, due_back TEXT,
    PRIMARY KEY (library, code)
) WITHOUT ROWID;

CREATE TABLE conflict_resolutions (
    conflict_id TEXT PRIMARY KEY, resolution TEXT NOT NULL, note TEXT,
    hlc INTEGER NOT NULL, device TEXT NOT NULL
) WITHOUT ROWID;
"""

# Version 2: full-text tool search.
V2 = """
CREATE VIRTUAL TABLE tools_fts USING fts5(
    name, category, brand, model, keywords, code,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
INSERT INTO tools_fts (rowid, name, category, brand, model, keywords, code)
    SELECT rowid, name, category, brand, model, keywords, code FROM tools;
"""

# Version 3: holds and waiting lists; copies of a tool; hold conflicts; partners' waiting counts.
V3_TABLES = """
ALTER TABLE tools ADD COLUMN copy_group TEXT;
ALTER TABLE tools ADD COLUMN copy_key TEXT;             -- tools sharing it are copies of one another
CREATE INDEX tools_copy_key ON tools (library, copy_key);
ALTER TABLE conflicts ADD COLUMN hold_a TEXT;
ALTER TABLE conflicts ADD COLUMN hold_b TEXT;           -- the provisional hold of two set aside at once
ALTER TABLE partner_availability ADD COLUMN waiting INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN language TEXT;           -- for pickup notices in the member's language

CREATE TABLE holds (
    id TEXT PRIMARY KEY,
    library TEXT NOT NULL,
    member_code TEXT,                   -- forgotten after the retention period
    tool_code TEXT,                     -- the tool asked for
    any_copy INTEGER NOT NULL DEFAULT 0,
    placed_hlc INTEGER, placed_device TEXT, placed_seq INTEGER, placed_at TEXT,
    sort_order INTEGER,                 -- the queue: placing clock unless a coordinator moved it
    reorder_reason TEXT,
    status TEXT NOT NULL DEFAULT 'waiting',   -- waiting | ready | picked_up | cancelled | expired
    set_aside_tool TEXT, set_aside_hlc INTEGER, set_aside_device TEXT, set_aside_seq INTEGER,
    set_aside_at TEXT, ready_until TEXT,
    ended_by TEXT, ended_hlc INTEGER, ended_device TEXT, ended_seq INTEGER, ended_at TEXT,
    loan_id TEXT,                       -- the loan that picked it up
    provisional INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX holds_waiting ON holds (library, tool_code) WHERE status = 'waiting';
CREATE INDEX holds_set_aside ON holds (library, set_aside_tool, set_aside_hlc) WHERE set_aside_tool IS NOT NULL;
CREATE INDEX holds_member ON holds (library, member_code);
CREATE INDEX holds_open ON holds (library, status) WHERE status IN ('waiting', 'ready');
CREATE INDEX holds_ended_at ON holds (ended_at) WHERE member_code IS NOT NULL;
"""


def _v3(conn: sqlite3.Connection) -> None:
    from kiosk.ledger.hold_rules import copy_key

    for statement in _statements(V3_TABLES):
        conn.execute(statement)
    rows = conn.execute("SELECT rowid, name, category FROM tools").fetchall()
    conn.executemany("UPDATE tools SET copy_key = ? WHERE rowid = ?",
                     [(copy_key(dict(r)), r["rowid"]) for r in rows])


# Version 4: the language of the waiver a member accepted; inventory checks kept until finished.
V4 = """
ALTER TABLE members ADD COLUMN waiver_language TEXT;

CREATE TABLE inventories (
    id TEXT PRIMARY KEY,
    library TEXT NOT NULL,
    started_hlc INTEGER NOT NULL, started_device TEXT NOT NULL, started_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',   -- open | finished | discarded
    ended_at TEXT
) WITHOUT ROWID;
CREATE INDEX inventories_open ON inventories (library, started_hlc) WHERE status = 'open';

CREATE TABLE inventory_seen (
    inventory_id TEXT NOT NULL, tool_code TEXT NOT NULL,
    PRIMARY KEY (inventory_id, tool_code)
) WITHOUT ROWID;
"""

# Version 5: repair tickets; what the impact report counts: the day a member joined and their
# area, the day a tool was added, and a forgotten loan's borrower kept as counts only
V5_TABLES = """
ALTER TABLE members ADD COLUMN area TEXT;
ALTER TABLE members ADD COLUMN joined TEXT;
ALTER TABLE tools ADD COLUMN added_at TEXT;
ALTER TABLE loans ADD COLUMN borrower_tag TEXT;        -- an opaque key counting distinct borrowers
ALTER TABLE loans ADD COLUMN borrower_area TEXT;
ALTER TABLE loans ADD COLUMN borrower_joined TEXT;
-- covering the impact report's reads of a period's loans
CREATE INDEX loans_report ON loans (library, opened_at, tool_code, borrower_tag, member_code, borrower_area,
                                    borrower_joined);
CREATE INDEX tools_report ON tools (library, code, category, replacement_value);

CREATE TABLE repairs (
    id TEXT PRIMARY KEY,
    library TEXT NOT NULL,
    tool_code TEXT,                     -- NULL until its opening event arrives
    problem TEXT, origin TEXT,          -- origin: return | volunteer
    opened_at TEXT, opened_hlc INTEGER,
    missing_parts TEXT,                 -- JSON list, from a return with parts missing
    status TEXT NOT NULL DEFAULT 'open',   -- open | waiting_parts | fixed | cannot_fix
    assignee TEXT, cost REAL, parts TEXT,
    notes TEXT,                         -- JSON list of {at, text}
    closed_at TEXT,                     -- the back-in-service (or retiring) date
    return_event TEXT                   -- the return that opened it: whose loan that closed
) WITHOUT ROWID;
CREATE INDEX repairs_tool ON repairs (library, tool_code);
CREATE INDEX repairs_status ON repairs (library, status, opened_hlc);
"""


def _v5(conn: sqlite3.Connection) -> None:
    from kiosk.ledger.clock import stamp_date
    from kiosk.ledger.impact import borrower_tag

    for statement in _statements(V5_TABLES):
        conn.execute(statement)
    # members and tools added before: the day their adding event was stamped
    for kind, table, column in (("member.added", "members", "joined"), ("tool.added", "tools", "added_at")):
        rows = conn.execute("SELECT library, json_extract(payload, '$.code') AS code, min(hlc) AS hlc FROM events "
                            "WHERE type = ? GROUP BY library, code", (kind,)).fetchall()
        conn.executemany(f"UPDATE {table} SET {column} = ? WHERE library = ? AND code = ?",
                         [(stamp_date(r["hlc"]).isoformat(), r["library"], r["code"]) for r in rows])
    loans = conn.execute("SELECT id, library, member_code FROM loans WHERE member_code IS NOT NULL").fetchall()
    conn.executemany("UPDATE loans SET borrower_tag = ? WHERE id = ?",
                     [(borrower_tag(r["library"], r["member_code"]), r["id"]) for r in loans])


# Version 6: members' reminder preferences on their record; when a member asked to forget their history.
V6 = """
ALTER TABLE members ADD COLUMN reminders_email INTEGER;
ALTER TABLE members ADD COLUMN reminders_sms INTEGER;
ALTER TABLE members ADD COLUMN forgotten_hlc INTEGER;   -- the latest "forget my history now", by clock
"""

# Version 7: cheaper checkouts. A member's open loans are counted from their index alone (it holds
# closed_by, always NULL there, so SQLite need not read each loan to check it). The indexes of open
# loans by due date and of loans by return date go: no query is planned on them (the overdue list
# and reminders read a library's open loans through loans_open_member, the retention rule a
# library's loans through loans_report), yet every checkout and return wrote them.
V7 = """
DROP INDEX loans_open_member;
CREATE INDEX loans_open_member ON loans (library, member_code, closed_by) WHERE closed_by IS NULL;
DROP INDEX loans_open_due;
DROP INDEX loans_closed_at;
"""

MIGRATIONS: list[Callable[[sqlite3.Connection], None] | str] = [V1, V2, _v3, V4, _v5, V6, V7]
LATEST = len(MIGRATIONS)

# The tables derived from the log, in the order a rebuild clears them.
PROJECTION_TABLES = (
    "field_clocks", "settings", "tools", "members", "loans", "returns", "conflicts",
    "conflict_resolutions", "tools_fts", "holds", "inventories", "inventory_seen", "repairs",
)


def version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, target: int = LATEST) -> int:
    """Brings the file up to ``target``; returns the version it started from."""
    start = version(conn)
    if start > LATEST:
        from kiosk.ledger.errors import StorageError

        raise StorageError(
            f"this database was written by a newer version of toolkiosk (schema {start}); upgrade toolkiosk"
        )
    if start >= target:
        return start
    conn.execute("BEGIN IMMEDIATE")
    try:
        for number in range(start, target):
            step = MIGRATIONS[number]
            if isinstance(step, str):
                for statement in _statements(step):
                    conn.execute(statement)
            else:
                step(conn)
        conn.execute(f"PRAGMA user_version = {target}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return start


def _statements(script: str) -> list[str]:
    """Splits a script into statements (executescript would commit our transaction)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    return [s for s in statements if s]
