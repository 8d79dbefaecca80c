"""Checkpoints happen off the counter's path: the log reaches the database file with no write waiting for it."""

from __future__ import annotations

import time

from kiosk.ledger import Ledger
from kiosk.ledger.checkpoint import FALLBACK_PAGES, Checkpointer


def test_the_log_reaches_the_database_file_in_the_background(tmp_path):
    ledger = Ledger.create(tmp_path / "home", library="maple", name="Maple")
    assert ledger._conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == FALLBACK_PAGES
    ledger._checkpointer.stop()
    ledger._checkpointer = Checkpointer(ledger.path, poll=0.01, log_bytes=1)  # checkpoint as soon as anything waits
    ledger._checkpointer.start(ledger._conn)
    file_before = ledger.path.stat().st_size
    for n in range(50):  # tools whose pages the log holds, far fewer than the ledger's own fallback would wait for
        ledger.add_tool(f"T{n}", f"Cordless drill {n}", keywords="battery charger " * 20)
    deadline = time.monotonic() + 30
    while ledger.path.stat().st_size <= file_before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert ledger.path.stat().st_size > file_before
    ledger.close()


def test_closing_the_ledger_stops_its_checkpoints(tmp_path):
    ledger = Ledger.create(tmp_path / "home", library="maple", name="Maple")
    thread = ledger._checkpointer._thread
    ledger.close()
    assert not thread.is_alive()
