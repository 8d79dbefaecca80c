"""The server's database upgrades in place: a version-1 file keeps its libraries and devices."""

from __future__ import annotations

import sqlite3

from sync.server import open_storage
from sync.server.db import SQLiteDatabase
from sync.server.schema import LATEST, V1


def test_a_version_1_database_is_upgraded_with_its_data(tmp_path):
    folder = tmp_path / "server"
    folder.mkdir()
    conn = sqlite3.connect(folder / SQLiteDatabase.FILE)
    conn.executescript(V1.format(BLOB="BLOB", SERIAL="INTEGER PRIMARY KEY AUTOINCREMENT"))
    conn.executescript("""CREATE TABLE schema_version (version INTEGER NOT NULL);
        INSERT INTO schema_version VALUES (1);
        INSERT INTO libraries (slug, name, head, created_ms) VALUES ('maple', 'Maple', 7, 0);
        INSERT INTO devices (id, library, name, token_hash, enrolled_ms, last_push_ms)
        VALUES ('DEV1', 'maple', 'front desk', 'x', 0, 5);""")
    conn.close()
    storage = open_storage(folder)
    try:
        [device] = storage.devices("maple")
        assert (device["name"], device["last_push_ms"], device["last_seen_ms"], device["events_waiting"]) == \
            ("front desk", 5, None, None)
        with storage.db.read() as tx:
            assert tx.one("SELECT version FROM schema_version")["version"] == LATEST
    finally:
        storage.close()
