"""Fixtures for the sync tests: a real server on loopback, with two partner libraries and one more."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.server import open_storage
from tests.sync.helpers import ServerThread, new_kiosk, pg_reachable, pg_schema_url


@pytest.fixture
def storage(tmp_path: Path):
    store = open_storage(tmp_path / "server")
    for slug, name in (("maple", "Maple Street"), ("oak", "Oak Lane"), ("elm", "Elm Court")):
        store.add_library(slug, name)
    store.add_partners("maple", "oak")
    yield store
    store.close()


@pytest.fixture
def server(storage):
    with ServerThread(storage) as running:
        yield running


@pytest.fixture
def kiosk(tmp_path: Path, server):
    """Makes enrolled kiosks: kiosk("maple") -> Ledger."""
    made = []

    def make(library: str, **options):
        ledger = new_kiosk(tmp_path / f"k{len(made) + 1}", server.storage, server.url, library, **options)
        made.append(ledger)
        return ledger

    yield make
    for ledger in made:
        ledger.close()


@pytest.fixture
def pg_url():
    if not pg_reachable():
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432 (set TOOLKIOSK_TEST_PG to point elsewhere)")
    with pg_schema_url() as url:
        yield url
