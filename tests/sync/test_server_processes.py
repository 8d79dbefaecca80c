"""Several server processes on one PostgreSQL, as several hosts behind one proxy would be.

Two `toolkiosk-server serve` processes (the second with two workers of its own), each with its own
folder for the pages' cache, share only the database: kiosks sync through either and converge, a
coordinator who logs in on one is served by the other, failed logins count on both, and a job
runs once across them. Skipped, with the reason, when PostgreSQL is not reachable.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from sync.client import SyncClient
from sync.server import open_storage
from sync.server.serving import Upkeep
from sync.server.web.ratelimit import Limits
from tests.sync.helpers import SERVER_BIN, free_port, new_kiosk, pg_reachable, pg_schema_url
from tests.web.helpers import PASSWORD, WebClient

COORDINATOR = "ana@maple.example.org"


class Served:
    """A `toolkiosk-server serve` process on a loopback port; what WebClient needs of a server."""

    def __init__(self, url: str, proc: subprocess.Popen):
        self.url, self.proc = url, proc
        self.base = url + "/web"


@contextlib.contextmanager
def serve(database: str, web_dir: Path, *extra: str) -> Iterator[Served]:
    port = free_port()
    env = {**os.environ, "TOOLKIOSK_WEB_DATA": str(web_dir)}
    proc = subprocess.Popen([str(SERVER_BIN), "--data", database, "serve", "--port", str(port), *extra], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90  # a worker starting on a busy machine takes its time
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server process exited: {proc.stderr.read().decode()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "/v1/health", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("the server process did not answer")
            time.sleep(0.1)
        yield Served(url, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def pg_url():
    """One schema for the module: starting three server processes once is slow enough."""
    if not pg_reachable():
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432 (set TOOLKIOSK_TEST_PG to point elsewhere)")
    with pg_schema_url() as url:
        yield url


@pytest.fixture(scope="module")
def pg_storage(pg_url):
    store = open_storage(pg_url)
    for slug in ("maple", "oak"):
        store.add_library(slug, slug.title())
    store.add_partners("maple", "oak")
    yield store
    store.close()


@pytest.fixture(scope="module")
def two_servers(pg_url, pg_storage, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hosts")
    added = subprocess.run([str(SERVER_BIN), "--data", pg_url, "coordinator", "add", "maple", "--email", COORDINATOR,
                            "--password-stdin"], input=PASSWORD + "\n", text=True, capture_output=True,
                           env={**os.environ, "TOOLKIOSK_WEB_DATA": str(folder / "cli-web")})
    assert added.returncode == 0, added.stderr
    with serve(pg_url, folder / "host-a") as a, serve(pg_url, folder / "host-b", "--workers", "2") as b:
        yield a, b


def test_kiosks_syncing_to_either_server_converge(tmp_path, pg_storage, two_servers):
    a, b = two_servers
    front = new_kiosk(tmp_path / "front", pg_storage, a.url, "maple")
    back = new_kiosk(tmp_path / "back", pg_storage, b.url, "maple")
    oak = new_kiosk(tmp_path / "oak", pg_storage, b.url, "oak")
    front.add_tool("T1", "Drill")
    for code in ("M1", "M2"):
        front.add_member(code, f"Person {code}", expires="2099-01-01")
        front.accept_waiver(code)
    for ledger in (front, back):
        SyncClient(ledger).sync()
    front.checkout("M1", ["T1"])
    back.checkout("M2", ["T1"])  # the same drill lent at both counters
    for ledger in (front, back, front, oak):
        SyncClient(ledger).sync()
    assert front.projection_snapshot() == back.projection_snapshot()
    assert [c["kind"] for c in back.conflicts()] == ["double_checkout"]
    assert oak.list_tools(all_libraries=True)[0]["status"] == "on_loan"
    for ledger in (front, back, oak):
        ledger.close()


def test_a_coordinator_logged_in_on_one_server_is_served_by_the_other(two_servers):
    a, b = two_servers
    on_a, on_b = WebClient(a), WebClient(b)  # type: ignore[arg-type]
    try:
        form = on_a.forms("/web/login")["/web/login"]  # the form of one server, posted to the other
        on_b.cookies = dict(on_a.cookies)
        logged_in = on_b.post("/web/login", data={"email": COORDINATOR, "password": PASSWORD, "next": "",
                                                  "csrf_token": form})
        assert logged_in.status_code == 303, logged_in.text
        on_a.cookies = dict(on_b.cookies)
        page = on_a.get("/web/overdue")
        assert page.status_code == 200 and COORDINATOR in page.text
        logout = on_a.forms("/web/overdue").get("/web/logout")
        assert on_a.post("/web/logout", data={"csrf_token": logout}).status_code == 303
        on_b.cookies = {**on_b.cookies}
        assert on_b.get("/web/overdue").status_code == 303  # ended on one, ended on both
    finally:
        on_a.close()
        on_b.close()


def test_failed_logins_on_one_server_count_on_the_other(two_servers):
    a, b = two_servers
    on_a, on_b = WebClient(a), WebClient(b)  # type: ignore[arg-type]
    try:
        for _ in range(Limits().per_client_email):
            assert on_a.login(COORDINATOR, "not the password at all").status_code == 401
        refused = on_b.login(COORDINATOR)
        assert refused.status_code == 429 and on_b.get("/web/overdue").status_code == 303
    finally:
        on_a.close()
        on_b.close()


def test_upkeep_runs_once_across_processes(pg_url, pg_storage, two_servers):
    """The three server processes started their upkeep: one of them took the turn, and nobody else
    gets it until the period is over."""
    with pg_storage.db.read() as tx:
        holder = tx.one("SELECT holder FROM job_leases WHERE name = 'forget-old-borrowers'")["holder"]
    assert int(holder.split(":")[1]) != os.getpid()
    other = open_storage(pg_url)
    try:
        assert Upkeep(pg_storage).run_once() is False and Upkeep(other).run_once() is False
    finally:
        other.close()


def test_a_turn_is_taken_once_and_again_when_its_period_is_over(pg_url):
    now = [1_800_000_000_000]
    one, two = (open_storage(pg_url, now_ms=lambda: now[0]) for _ in range(2))
    try:
        assert one.take_turn("report", "one", 60) is True
        assert two.take_turn("report", "two", 60) is False and one.take_turn("report", "one", 60) is False
        now[0] += 59_999
        assert two.take_turn("report", "two", 60) is False
        now[0] += 1
        assert two.take_turn("report", "two", 60) is True and one.take_turn("report", "one", 60) is False
    finally:
        one.close()
        two.close()
