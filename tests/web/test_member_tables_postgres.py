"""The member pages' tables on the server's PostgreSQL, from two server processes at once: a link or code
issued by one is spent at the other exactly once, a member session started on one is known to the
other, and the request counts behind the limits are shared. Skipped, with the reason, without PostgreSQL."""

from __future__ import annotations

import pytest

from sync.server import open_storage
from sync.server.web.db import open_web_db
from sync.server.web.members import store, tokens
from sync.server.web.members.msessions import MemberSessions
from tests.sync.helpers import pg_reachable, pg_schema_url

NOW = 1_800_000_000.0
SECRET = "a key both processes share"


@pytest.fixture
def two_hosts(tmp_path):
    if not pg_reachable():
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432 (set TOOLKIOSK_TEST_PG to point elsewhere)")
    with pg_schema_url() as url:
        storage = open_storage(url)
        one, two = open_web_db(tmp_path / "a.db", url), open_web_db(tmp_path / "b.db", url)
        for db in (one, two):
            store.create_tables(db)
        yield one, two
        one.close()
        two.close()
        storage.close()


def test_links_codes_sessions_and_counts_are_shared_and_spent_once(two_hosts):
    one, two = two_hosts
    token, code = tokens.issue(one, SECRET, "maple", "M1", "ana@example.org", NOW)
    assert tokens.redeem_link(two, token, NOW + 60) == ("maple", "M1")
    assert tokens.redeem_link(one, token, NOW + 61) is None
    _token, code = tokens.issue(two, SECRET, "maple", "M1", "ana@example.org", NOW)
    assert tokens.redeem_code(one, SECRET, "maple", "ana@example.org", "000000" if code != "000000" else "111111",
                              NOW + 1) is None
    assert tokens.redeem_code(one, SECRET, "maple", "ana@example.org", code, NOW + 2) == ("maple", "M1")
    assert tokens.redeem_code(two, SECRET, "maple", "ana@example.org", code, NOW + 3) is None
    cookie = MemberSessions(one, SECRET, lambda: NOW).start("maple", "M1")
    session = MemberSessions(two, SECRET, lambda: NOW + 5).load(cookie)
    assert (session.library, session.member_code) == ("maple", "M1")
    store.note(one, "client:10.0.0.1", NOW, 900)
    store.note(two, "client:10.0.0.1", NOW + 1, 900)
    assert store.count(one, "client:10.0.0.1", NOW - 900) == 2
