"""The server's database upgrades in place: a version-1 file keeps its libraries and devices."""

from __future__ import annotations

import sqlite3

import pytest

from sync.client import SyncClient
from sync.server import open_storage
from sync.server.db import SQLiteDatabase
from sync.server.schema import LATEST, V1, migrate
from tests.sync.helpers import ServerThread, new_kiosk


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


@pytest.fixture
def kiosk_on():
    """A server on loopback with one kiosk of maple enrolled: (its storage, the kiosk)."""
    running = []

    def make(root):
        storage = open_storage(root / "server")
        storage.add_library("maple", "Maple")
        server = ServerThread(storage).__enter__()
        running.append((server, storage))
        return storage, new_kiosk(root / "front", storage, server.url, "maple")
    yield make
    for server, storage in running:
        server.__exit__(None, None, None)
        storage.close()


def test_a_version_6_server_learns_its_open_repair_tickets_from_the_events_it_stored(tmp_path, kiosk_on):
    """The repairs table came with version 7: upgrading fills it from the repair events already stored."""
    storage, front = kiosk_on(tmp_path)
    front.add_tool("T1", "Drill")
    front.add_tool("T2", "Saw")
    opened = front.open_repair("T1", "Loose chuck")
    closed = front.open_repair("T2", "Blunt")
    front.update_repair(closed["id"], status="fixed")
    SyncClient(front).sync()
    with storage.db.write() as tx:   # as a version-6 server left it
        tx.run("DROP TABLE repairs")
        tx.run("UPDATE schema_version SET version = 6")
    with storage.db.write() as tx:
        assert migrate(tx) == 6
        rows = {r["id"]: (r["tool"], r["is_open"]) for r in tx.rows("SELECT * FROM repairs")}
    assert rows == {opened["id"]: ("T1", 1), closed["id"]: ("T2", 0)}
