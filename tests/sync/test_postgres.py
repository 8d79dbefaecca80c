"""The same server on the real PostgreSQL at 127.0.0.1:5432, in a schema of its own per test.

Skipped, with the reason, when PostgreSQL is not reachable.
"""

from __future__ import annotations

import threading

import pytest

from sync.client import SyncClient
from sync.server import open_storage
from tests.sync.helpers import ServerThread, new_kiosk


@pytest.fixture
def pg_server(pg_url):
    store = open_storage(pg_url)
    for slug in ("maple", "oak", "elm"):
        store.add_library(slug, slug.title())
    store.add_partners("maple", "oak")
    with ServerThread(store) as running:
        yield running
    store.close()


def test_migrations_run_once_and_are_idempotent(pg_url):
    first = open_storage(pg_url)
    first.add_library("maple", "Maple")
    first.close()
    again = open_storage(pg_url)  # a second start finds the schema in place
    assert [lib["slug"] for lib in again.libraries()] == ["maple"]
    again.close()


def test_full_round_on_postgres(tmp_path, pg_server):
    storage, url = pg_server.storage, pg_server.url
    a, b = new_kiosk(tmp_path / "a", storage, url, "maple"), new_kiosk(tmp_path / "b", storage, url, "maple")
    oak, elm = new_kiosk(tmp_path / "o", storage, url, "oak"), new_kiosk(tmp_path / "e", storage, url, "elm")
    a.add_tool("T1", "Drill")
    for code in ("M1", "M2"):
        a.add_member(code, f"Person {code}", expires="2099-01-01")
        a.accept_waiver(code)
    for ledger in (a, b):
        SyncClient(ledger).sync()
    a.checkout("M1", ["T1"])
    b.checkout("M2", ["T1"])
    for ledger in (a, b, a, oak, elm):
        SyncClient(ledger).sync()
    assert a.projection_snapshot() == b.projection_snapshot()
    assert [c["kind"] for c in a.conflicts()] == ["double_checkout"] and a.conflicts()[0]["server_reported"]
    assert oak.list_tools(all_libraries=True)[0]["status"] == "on_loan"
    assert "Person" not in "\n".join(oak._conn.iterdump())
    assert elm.list_tools(all_libraries=True) == []
    events = storage.events("maple")
    assert len({e.id for _, e in events}) == len(events)


def test_concurrent_kiosks_never_make_a_cursor_skip(tmp_path, pg_server):
    """Writers commit concurrently while readers pull: each library's numbers still commit in order."""
    storage, url = pg_server.storage, pg_server.url
    kiosks = [new_kiosk(tmp_path / f"k{i}", storage, url, "maple") for i in range(6)]
    errors = []

    def work(ledger, n):
        try:
            for round_ in range(8):
                for j in range(5):
                    ledger.add_tool(f"{ledger.device['id']}-{round_}-{j}", "Tool")
                SyncClient(ledger, batch=3, page=4).sync()
        except Exception as exc:  # reported below, with the thread's kiosk
            errors.append((n, exc))

    threads = [threading.Thread(target=work, args=(k, n)) for n, k in enumerate(kiosks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for ledger in kiosks:
        SyncClient(ledger).sync()
    served = {e.id for _, e in storage.events("maple", limit=100_000)}
    for ledger in kiosks:
        assert {e.id for e in ledger.events()} == served
        assert ledger.outbox_size() == 0
