"""The pages' tables on the server's PostgreSQL, seen from two server processes at once (two
connections pools, as two hosts would have): what one writes the other reads, and what must happen
once happens once. Skipped, with the reason, when PostgreSQL is not reachable."""

from __future__ import annotations

import sqlite3

import pytest

from sync.server import open_storage
from sync.server.web import accounts
from sync.server.web.db import open_web_db
from sync.server.web.ratelimit import LoginThrottle, Limits
from sync.server.web.reminders import settings
from sync.server.web.sessions import Sessions
from tests.sync.helpers import pg_reachable, pg_schema_url

PASSWORD = "a long enough password"


@pytest.fixture
def two_hosts(tmp_path):
    if not pg_reachable():
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432 (set TOOLKIOSK_TEST_PG to point elsewhere)")
    with pg_schema_url() as url:
        storage = open_storage(url)
        storage.add_library("maple", "Maple")
        one, two = open_web_db(tmp_path / "unused-a.db", url), open_web_db(tmp_path / "unused-b.db", url)
        yield one, two
        one.close()
        two.close()
        storage.close()
    assert not (tmp_path / "unused-a.db").exists()  # nothing of it went to a local file


def test_accounts_and_sessions_are_shared(two_hosts):
    one, two = two_hosts
    account = accounts.add(one, "maple", "Ana@Maple.example.org", PASSWORD)
    assert accounts.authenticate(two, "ana@maple.example.org", PASSWORD) == account
    with pytest.raises(accounts.AccountError, match="already exists"):
        accounts.add(two, "maple", "ANA@maple.example.org", PASSWORD)
    key_one, key_two = one.secret("cookie-key"), two.secret("cookie-key")
    assert key_one == key_two and len(key_one) > 40
    clock = lambda: 1_800_000_000.0  # noqa: E731
    cookie, _ = Sessions(one, key_one, max_age=3600, idle_timeout=600, now=clock).start(account)
    elsewhere = Sessions(two, key_two, max_age=3600, idle_timeout=600, now=clock)
    session = elsewhere.load(cookie)
    assert session is not None and session.account == account
    elsewhere.end(session.token_hash)
    assert Sessions(one, key_one, max_age=3600, idle_timeout=600, now=clock).load(cookie) is None
    accounts.set_password(two, "ana@maple.example.org", PASSWORD + "!")
    assert accounts.authenticate(one, "ana@maple.example.org", PASSWORD) is None


def test_login_failures_count_on_every_host(two_hosts):
    one, two = two_hosts
    clock = lambda: 1_800_000_000.0  # noqa: E731
    assert LoginThrottle(two, Limits(), clock).retry_after("ana@maple.example.org", "10.0.0.1") == 0
    for _ in range(Limits().per_client_email):
        LoginThrottle(one, Limits(), clock).failed("ana@maple.example.org", "10.0.0.1")
    assert LoginThrottle(two, Limits(), clock).retry_after("ana@maple.example.org", "10.0.0.1") > 0


def test_settings_and_consent_are_replaced_not_doubled(two_hosts):
    one, two = two_hosts
    settings.save(one, "maple", {"send_hour": 7})
    settings.save(two, "maple", {"send_hour": 8})
    assert settings.load(one, "maple")["send_hour"] == 8
    # consent recorded on the server before member records carried it: one row a member, whichever host wrote it
    for db, email, sms, by in ((one, 1, 0, "ana"), (two, 0, 1, "ben")):
        db.execute("INSERT OR REPLACE INTO reminder_optins (library, member_code, email, sms, changed_at, changed_by) "
                   "VALUES (?, ?, ?, ?, ?, ?)", ("maple", "M1", email, sms, 1.0, by))
    rows = one.query("SELECT email, sms, changed_by FROM reminder_optins WHERE library = 'maple'")
    assert [(r["email"], r["sms"], r["changed_by"]) for r in rows] == [(0, 1, "ben")]


def test_a_reminder_is_claimed_once_across_hosts(two_hosts):
    one, two = two_hosts
    claim = ("INSERT INTO reminder_log (library, member_code, day, kind, channel, recipient, body, status, at) "
             "VALUES ('maple', 'M1', '2026-12-03', 'overdue', 'email', 'm1@example.org', 'text', 'sending', 1.0)")
    with one.transaction() as conn:
        first = conn.execute(claim).lastrowid
    assert isinstance(first, int)
    with pytest.raises(sqlite3.IntegrityError):
        with two.transaction() as conn:
            conn.execute(claim)
    assert [r["id"] for r in two.query("SELECT id FROM reminder_log")] == [first]
