"""Faults at every step, with real processes on loopback, killed with SIGKILL.

After each: nothing lost, nothing stored twice, no cursor skips an event,
and every outbox drains within two sync rounds once the fault is gone.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kiosk.ledger import Ledger
from sync.client import Offline, SyncClient
from sync.server import open_storage
from tests.sync.helpers import free_port, start_server_process

pytestmark = pytest.mark.slow
DAY_MS = 86_400_000
KIOSK_BIN = Path(sys.executable).parent / "toolkiosk"


class Site:
    """A server data folder, its process, and enrolled kiosks."""

    def __init__(self, root: Path):
        self.root = root
        self.data = root / "server"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        store = open_storage(self.data)
        store.add_library("maple", "Maple")
        store.add_library("oak", "Oak")
        store.add_partners("maple", "oak")
        store.close()
        self.kiosks: list[Ledger] = []

    def start(self, failpoints: str = "", data: Path | None = None) -> None:
        env = {"TOOLKIOSK_FAILPOINTS": failpoints} if failpoints else {}
        self.proc = start_server_process(data or self.data, self.port, env)

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        if self.proc:
            self.proc.wait(timeout=10)

    def kiosk(self, library: str, *, wall=None) -> Ledger:
        from sync.client import enroll

        home = self.root / f"kiosk{len(self.kiosks)}"
        ledger = Ledger.create(home, library=library, name=library, **({"wall": wall} if wall else {}))
        ledger.configure(open_weekdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
        store = open_storage(self.data)
        code = store.invite(library, home.name)
        store.close()
        enroll(ledger, self.url, code)
        self.kiosks.append(ledger)
        return ledger

    def server_events(self, library: str) -> list:
        store = open_storage(self.data)
        try:
            return [e for _, e in store.events(library, limit=1_000_000)]
        finally:
            store.close()


@pytest.fixture
def site(tmp_path):
    s = Site(tmp_path)
    s.start()
    yield s
    s.kill()
    for ledger in s.kiosks:
        ledger.close()


def stock(ledger: Ledger, tools: int = 3, members: int = 2) -> None:
    for j in range(tools):
        ledger.add_tool(f"T{j}", f"Tool {j}")
    for j in range(members):
        ledger.add_member(f"M{j}", f"Member {j}", expires="2099-01-01")
        ledger.accept_waiver(f"M{j}")


def assert_whole(site: Site, library: str = "maple") -> None:
    """Exactly once on the server, every kiosk of the library holds all of it, outboxes empty."""
    served = site.server_events(library)
    ids = [e.id for e in served]
    assert len(ids) == len(set(ids))
    kiosks = [k for k in site.kiosks if k.library["slug"] == library]
    for ledger in kiosks:
        own = {e.id for e in ledger.events() if e.device == ledger.device["id"]}
        assert own <= set(ids), "an event was lost"
        assert {e.id for e in ledger.events() if e.library == library} == set(ids), "a cursor skipped an event"
        assert ledger.outbox_size() == 0
    snapshots = [k.projection_snapshot() for k in kiosks]
    assert all(s == snapshots[0] for s in snapshots)


def sync_within_two_rounds(ledger: Ledger) -> None:
    report = SyncClient(ledger).sync(max_rounds=2)
    assert ledger.outbox_size() == 0 and report.requests <= 2


@pytest.mark.parametrize("point", ["ingest.before_commit", "ingest.after_commit"])
def test_server_killed_around_its_commit(site, point):
    a, b = site.kiosk("maple"), site.kiosk("maple")
    stock(a)
    site.kill()
    site.start(failpoints=f"{point}=kill")
    with pytest.raises(Offline):
        SyncClient(a).sync()
    assert site.proc.wait(timeout=10) == -signal.SIGKILL
    stored = len(site.server_events("maple"))
    assert stored == (0 if point == "ingest.before_commit" else len(a.events()))
    site.start()
    sync_within_two_rounds(a)
    sync_within_two_rounds(b)
    SyncClient(a).sync()  # and hears of b's
    assert_whole(site)


def test_client_killed_mid_sync_at_every_step(site):
    a, b = site.kiosk("maple"), site.kiosk("maple")
    stock(a, tools=1100, members=10)  # three batches of 500
    b.add_tool("B1", "Saw")
    SyncClient(b).sync()
    home = a.path.parent
    points = ("client.before_apply", "client.after_apply", "client.after_apply@2", "client.before_apply")
    for i, point in enumerate(points):
        name, _, nth = point.partition("@")
        a.add_member(f"X{i}", "Late member", expires="2099-01-01")
        run = subprocess.run([str(KIOSK_BIN), "--home", str(home), "sync"], capture_output=True,
                             env={**os.environ, "TOOLKIOSK_FAILPOINTS": f"{name}=kill@{nth or 1}"}, timeout=60)
        assert run.returncode == -signal.SIGKILL
        assert a.integrity_check() == "ok"
    # killed at random moments too, from outside
    for delay in (0.05, 0.15, 0.3):
        b.add_tool(f"B{delay}", "Another")
        proc = subprocess.Popen([str(KIOSK_BIN), "--home", str(b.path.parent), "sync"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    for ledger in (a, b, a, b):
        SyncClient(ledger).sync()
    assert_whole(site)


class CuttingProxy:
    """Forwards one connection at a time to the server and cuts each answer after ``cut_after`` bytes."""

    def __init__(self, port: int, cut_after: int):
        self.target, self.cut_after = port, cut_after
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.target))
        client.settimeout(2)
        upstream.settimeout(5)
        try:
            request = b""
            while b"\r\n\r\n" not in request:
                request += client.recv(65536)
            head, _, body = request.partition(b"\r\n\r\n")
            length = int(next((line.split(b":")[1] for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length")), b"0"))
            while len(body) < length:
                body += client.recv(65536)
            upstream.sendall(head + b"\r\n\r\n" + body)
            answer = b""
            while len(answer) < self.cut_after:
                chunk = upstream.recv(65536)
                if not chunk:
                    break
                answer += chunk
            client.sendall(answer[: self.cut_after])
        except OSError:
            pass
        finally:
            client.close()
            upstream.close()

    def close(self) -> None:
        self.listener.close()


def test_connection_cut_mid_answer(site):
    a, b = site.kiosk("maple"), site.kiosk("maple")
    stock(a, tools=30)
    for cut in (40, 200, 600):
        proxy = CuttingProxy(site.port, cut)
        a.set_meta({"sync.server": proxy.url})
        a.add_tool(f"C{cut}", "Cut")
        with pytest.raises(Offline):
            SyncClient(a).sync()
        proxy.close()
    a.set_meta({"sync.server": site.url})
    sync_within_two_rounds(a)
    sync_within_two_rounds(b)
    SyncClient(a).sync()  # and hears of b's
    assert_whole(site)


def test_server_restarted_elsewhere_from_an_older_copy(site, tmp_path):
    a, b, oak = site.kiosk("maple"), site.kiosk("maple"), site.kiosk("oak")
    stock(a)
    for ledger in (a, b, oak):
        SyncClient(ledger).sync()
    site.kill()
    older = tmp_path / "older-copy"
    shutil.copytree(site.data, older)
    site.start()
    b.add_tool("B1", "Made after the copy")
    a.checkout("M0", ["T0"])
    oak.add_tool("O1", "Oak tool")
    for ledger in (a, b, oak):
        SyncClient(ledger).sync()
    site.kill()
    site.data = older  # the old machine is gone; the new one starts from yesterday's copy
    site.start()
    reports = [SyncClient(ledger).sync() for ledger in (a, b, oak, a, b, oak)]
    assert any(r.rewound for r in reports)
    assert_whole(site, "maple")
    assert_whole(site, "oak")
    assert {t["code"] for t in a.list_tools(all_libraries=True)} >= {"O1", "B1", "T0"}


def test_kiosk_clocks_a_day_off_either_way_or_at_1970(site):
    now = lambda: int(time.time() * 1000)  # noqa: E731
    started = time.monotonic()
    ahead = site.kiosk("maple", wall=lambda: now() + DAY_MS)
    behind = site.kiosk("maple", wall=lambda: now() - DAY_MS)
    epoch = site.kiosk("maple", wall=lambda: int((time.monotonic() - started) * 1000) + 1)
    stock(ahead)
    for ledger in (ahead, behind, epoch):
        SyncClient(ledger).sync()
    # partitioned: all three lend the same tool and take back what they did not lend
    ahead.checkout("M0", ["T0"])
    behind.checkout("M1", ["T0"])
    epoch.checkin("T1")
    epoch.add_tool("E1", "Added at 1970")
    for ledger in (epoch, behind, ahead, epoch, behind, ahead):
        SyncClient(ledger).sync()
    assert_whole(site)
    assert sorted(c["kind"] for c in ahead.conflicts()) == ["double_checkout", "return_without_loan"]
    # once it has heard the server's clock, the 1970 kiosk stamps in the present
    epoch.add_tool("E2", "After the sync")
    assert epoch.events()[-1].hlc >> 16 > now() - DAY_MS
