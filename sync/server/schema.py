"""The server's tables and their migrations, for SQLite and PostgreSQL alike.

``schema_version`` holds the number of migrations applied; ``migrate`` runs
the missing ones inside the caller's write transaction. Each migration is one
script per database, written to keep the two as alike as the dialects allow.
"""

from __future__ import annotations

from typing import Any

from kiosk.ledger.events import Event
from sync.server.repair_tickets import REPAIR_EVENTS, ticket_rows

# Version 1: libraries, devices, the event streams, and what the server derives from them.
V1 = """
CREATE TABLE libraries (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    head BIGINT NOT NULL DEFAULT 0,          -- the last stream number given in this library
    server_seq BIGINT NOT NULL DEFAULT 0,    -- the last seq of the server's own events here
    retention_days INTEGER, retention_hlc BIGINT, retention_device TEXT,
    created_ms BIGINT NOT NULL
);
CREATE TABLE partners (a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b));

CREATE TABLE invitations (
    code_hash TEXT PRIMARY KEY, library TEXT NOT NULL, name TEXT NOT NULL,
    created_ms BIGINT NOT NULL, expires_ms BIGINT NOT NULL, used_ms BIGINT
);
CREATE TABLE devices (
    id TEXT PRIMARY KEY, library TEXT NOT NULL, name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    enrolled_ms BIGINT NOT NULL, revoked_ms BIGINT, last_push_ms BIGINT
);

-- every event exactly once, lseq its arrival order within its library
CREATE TABLE events (
    library TEXT NOT NULL, lseq BIGINT NOT NULL,
    id TEXT NOT NULL UNIQUE,
    device TEXT NOT NULL, device_seq BIGINT NOT NULL,
    hlc BIGINT NOT NULL, type TEXT NOT NULL, version INTEGER NOT NULL,
    entity TEXT NOT NULL, payload TEXT NOT NULL,
    catalog INTEGER NOT NULL,                -- 1: shared with partner libraries
    received_ms BIGINT NOT NULL,
    PRIMARY KEY (library, lseq),
    UNIQUE (device, device_seq)
);
CREATE INDEX events_catalog ON events (library, catalog, lseq);

-- derived: tools as partners see them (never who has one)
CREATE TABLE tools (
    library TEXT NOT NULL, code TEXT NOT NULL,
    service_status TEXT NOT NULL DEFAULT 'available', status_hlc BIGINT, status_device TEXT,
    photo TEXT, photo_hlc BIGINT, photo_device TEXT,
    status TEXT NOT NULL DEFAULT 'available', due_back TEXT,
    changed_lseq BIGINT NOT NULL DEFAULT 0,  -- when partners last need to hear of it
    PRIMARY KEY (library, code)
);
CREATE INDEX tools_changed ON tools (library, changed_lseq);
CREATE INDEX tools_photo ON tools (photo);

-- derived: loans and returns, for double checkouts, availability and forgetting borrowers
CREATE TABLE loans (
    id TEXT PRIMARY KEY, library TEXT NOT NULL, tool TEXT,
    opened_event TEXT, opened_hlc BIGINT, opened_device TEXT, opened_seq BIGINT,
    due TEXT, due_hlc BIGINT, due_device TEXT,
    closed_by TEXT, closed_hlc BIGINT, closed_device TEXT, closed_seq BIGINT, closed_at TEXT,
    forgotten INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX loans_tool ON loans (library, tool);
CREATE INDEX loans_closed_at ON loans (library, closed_at);
CREATE TABLE returns (
    event_id TEXT PRIMARY KEY, library TEXT NOT NULL, tool TEXT NOT NULL, loan_id TEXT,
    hlc BIGINT NOT NULL, device TEXT NOT NULL, seq BIGINT NOT NULL, at TEXT NOT NULL
);
CREATE INDEX returns_tool ON returns (library, tool, hlc);
CREATE INDEX returns_loan ON returns (loan_id);
CREATE TABLE conflicts (id TEXT PRIMARY KEY, library TEXT NOT NULL, event_id TEXT NOT NULL);

-- photos by content, and photos_missing: named by a tool here, not uploaded yet
CREATE TABLE photos (sha256 TEXT PRIMARY KEY, library TEXT NOT NULL, size INTEGER NOT NULL, data {BLOB} NOT NULL);
CREATE TABLE photos_missing (library TEXT NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (library, sha256));

-- refused events worth a coordinator's look: a cloned SD card, a restored backup
CREATE TABLE flags (
    id {SERIAL}, library TEXT NOT NULL, device TEXT NOT NULL, event_id TEXT NOT NULL,
    reason TEXT NOT NULL, message TEXT NOT NULL, at_ms BIGINT NOT NULL
);
"""

# Version 2: what each kiosk told of itself at its last sync round, for the coordinators' kiosks page.
V2 = """
ALTER TABLE devices ADD COLUMN last_seen_ms BIGINT;
ALTER TABLE devices ADD COLUMN software_version TEXT;
-- the kiosk's wall clock minus the server's
ALTER TABLE devices ADD COLUMN clock_offset_ms BIGINT;
-- its cursor in its own library's stream
ALTER TABLE devices ADD COLUMN pulled_lseq BIGINT;
-- own events it had not sent yet
ALTER TABLE devices ADD COLUMN outbox BIGINT
"""

# Version 3: holds, for the hold shelf partners see, pickup notices and forgetting borrowers.
V3 = """
CREATE INDEX events_entity ON events (library, entity);
CREATE TABLE holds (
    id TEXT PRIMARY KEY, library TEXT NOT NULL,
    tool TEXT, any_copy INTEGER NOT NULL DEFAULT 0, member TEXT,
    status TEXT NOT NULL,                    -- waiting | ready | picked_up | cancelled | expired
    set_aside_tool TEXT, set_aside_event TEXT, ready_until TEXT,
    placed_event TEXT, ended_at TEXT,
    forgotten INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX holds_tool ON holds (library, tool, status);
CREATE INDEX holds_set_aside ON holds (library, set_aside_tool, status);
CREATE INDEX holds_ended ON holds (library, ended_at);
-- how many wait for a tool: partners see the number, never who
ALTER TABLE tools ADD COLUMN waiting INTEGER NOT NULL DEFAULT 0
"""

# Version 4: device ids are the server's to give. A code may re-enroll one named kiosk; devices that
# enrolled under a reserved server name are revoked, and each library's own numbering moves past
# any event such a device sent under that name.
V4 = """
ALTER TABLE invitations ADD COLUMN device TEXT;
UPDATE devices SET revoked_ms = enrolled_ms WHERE substr(id, 1, 7) = 'server:' AND revoked_ms IS NULL;
UPDATE libraries SET server_seq = (
    SELECT max(device_seq) FROM events WHERE device = 'server:' || libraries.slug
) WHERE server_seq < (SELECT COALESCE(max(device_seq), 0) FROM events WHERE device = 'server:' || libraries.slug)
"""

# Version 5: a device whose clock runs ahead of the server's further than allowed (its stamps are refused).
V5 = """
-- how far ahead it ran at its last round that did (NULL: its clock is fine)
ALTER TABLE devices ADD COLUMN clock_ahead_ms BIGINT;
-- the server's time at that round
ALTER TABLE devices ADD COLUMN clock_ahead_at_ms BIGINT
"""

# Version 6: jobs that must run once across every server process (one row a job: who took its turn
# and until when no one else should); and loans and returns found without reading the history of
# their tools: the open ones (few) and those opened or closed since a moment (the recent ones),
# whatever the planner does with the tool codes it is given.
V6 = """
CREATE TABLE job_leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, until_ms BIGINT NOT NULL);
DROP INDEX loans_tool;
CREATE INDEX loans_open ON loans (library, tool) WHERE closed_hlc IS NULL;
CREATE INDEX loans_closed ON loans (library, closed_hlc);
CREATE INDEX loans_opened ON loans (library, opened_hlc);
DROP INDEX returns_tool;
CREATE INDEX returns_since ON returns (library, hlc)
"""

# repair tickets, as far as partners need them: a tool with an open ticket is in for repair
# (filled from the repair events already stored by ``backfill_repairs``)
V7 = """
CREATE TABLE repairs (
    library TEXT NOT NULL, id TEXT NOT NULL, tool TEXT, is_open INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (library, id)
);
CREATE INDEX repairs_open ON repairs (library, tool) WHERE is_open = 1
"""

MIGRATIONS: list[str] = [V1, V2, V3, V4, V5, V6, V7]
LATEST = len(MIGRATIONS)

_DIALECT = {
    False: {"BLOB": "BLOB", "SERIAL": "INTEGER PRIMARY KEY AUTOINCREMENT"},
    True: {"BLOB": "BYTEA", "SERIAL": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"},
}


def migrate(tx: Any) -> int:
    """Applies the missing migrations in ``tx``; returns the version the database had."""
    tx.run("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = tx.one("SELECT version FROM schema_version")
    start = row["version"] if row else 0
    if start > LATEST:
        raise RuntimeError(f"this database was written by a newer toolkiosk-server (schema {start}); upgrade it")
    for version, script in enumerate(MIGRATIONS[start:], start + 1):
        for statement in script.format(**_DIALECT[tx.postgres]).split(";"):
            if statement.strip():
                tx.run(statement)
        if version == 7 and start > 0:
            backfill_repairs(tx)
    if row is None:
        tx.run("INSERT INTO schema_version (version) VALUES (?)", (LATEST,))
    elif start < LATEST:
        tx.run("UPDATE schema_version SET version = ?", (LATEST,))
    return start


def backfill_repairs(tx: Any) -> None:
    """The repairs table from the repair events a server stored before it kept one."""
    by_library: dict[str, list[Event]] = {}
    for row in tx.rows(f"SELECT * FROM events WHERE type IN {REPAIR_EVENTS!r}"):
        by_library.setdefault(row["library"], []).append(Event.from_row(row))
    for library, events in by_library.items():
        tx.many("INSERT INTO repairs (library, id, tool, is_open) VALUES (?, ?, ?, ?)", ticket_rows(library, events))
