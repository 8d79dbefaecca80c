"""The kiosk's client: the background loop, its status, backoff, and the commands."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

from kiosk import __version__
from kiosk.ledger import Ledger
from sync.client import Offline, RequestsTransport, SyncLoop, SyncStatus, is_enrolled

KIOSK_BIN = Path(sys.executable).parent / "toolkiosk"
SERVER_BIN = Path(sys.executable).parent / "toolkiosk-server"


def wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_kiosk_never_enrolled_runs_without_a_server(tmp_path):
    Ledger.create(tmp_path / "k", library="maple", name="Maple").close()
    seen: list[SyncStatus] = []
    loop = SyncLoop(tmp_path / "k", interval=0.05, on_status=seen.append)
    loop.start()
    wait_for(lambda: len(seen) >= 2)
    loop.stop()
    assert not is_enrolled(tmp_path / "k") and not seen[-1].enrolled and seen[-1].error is None


def test_the_loop_syncs_on_request_and_reports(kiosk, server):
    ledger = kiosk("maple")
    home = ledger.path.parent
    seen: list[SyncStatus] = []
    loop = SyncLoop(home, interval=3600, on_status=seen.append)
    loop.start()
    wait_for(lambda: seen and seen[-1].online)
    ledger.add_tool("T1", "Drill")
    started = time.monotonic()
    loop.request_sync()
    assert time.monotonic() - started < 0.1  # returns at once
    wait_for(lambda: seen[-1].waiting == 0 and any(e.payload.get("code") == "T1"
                                                    for _, e in server.storage.events("maple")))
    loop.stop()
    assert seen[-1] == SyncStatus(True, True, seen[-1].last_sync, 0, server.url, None)


class Unreachable:
    def __init__(self):
        self.calls = []

    def request(self, method, url, *, body=None, headers=None):
        self.calls.append(time.monotonic())
        raise Offline("no network")


def test_offline_the_loop_backs_off_and_keeps_the_outbox(kiosk, server):
    ledger = kiosk("maple")
    ledger.add_tool("T1", "Drill")
    transport = Unreachable()
    seen: list[SyncStatus] = []
    loop = SyncLoop(ledger.path.parent, interval=0.01, on_status=seen.append, transport_factory=lambda: transport,
                    first_backoff=0.05, max_backoff=0.2)
    loop.start()
    wait_for(lambda: len(transport.calls) >= 5)
    for _ in range(20):
        loop.request_sync()  # a busy counter while offline does not hammer the network
    time.sleep(0.1)
    loop.stop()
    gaps = [b - a for a, b in zip(transport.calls, transport.calls[1:])]
    assert gaps[0] >= 0.035 and max(gaps) <= 0.5 and gaps[2] > gaps[0]
    assert len(transport.calls) <= 8
    assert seen[-1].online is False and "no network" in seen[-1].error and seen[-1].waiting > 0
    assert ledger.outbox_size() > 0


def test_requests_transport_times_out_instead_of_hanging():
    import socket

    with socket.socket() as silent:  # accepts, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        started = time.monotonic()
        try:
            RequestsTransport(timeout=(0.5, 0.5)).request("POST", f"http://127.0.0.1:{silent.getsockname()[1]}/v1/sync",
                                                         body=b"{}")
        except Offline:
            pass
        assert time.monotonic() - started < 3


def test_commands_from_invite_to_status(tmp_path):
    data, home = tmp_path / "server", tmp_path / "kiosk"
    run = lambda *args, bin=SERVER_BIN: subprocess.run([str(bin), *args], capture_output=True, text=True, timeout=60)  # noqa: E731
    assert run("--data", str(data), "library", "add", "maple", "--name", "Maple").returncode == 0
    assert run("--data", str(data), "library", "add", "oak", "--name", "Oak").returncode == 0
    assert run("--data", str(data), "library", "partner", "maple", "oak").returncode == 0
    code = run("--data", str(data), "device", "invite", "maple", "--name", "front desk").stdout.strip()
    bad = run("--data", str(data), "device", "invite", "nowhere", "--name", "x")
    assert bad.returncode == 1 and "no library 'nowhere'" in bad.stderr
    from tests.sync.helpers import free_port, start_server_process

    port = free_port()
    proc = start_server_process(data, port)
    try:
        kiosk = lambda *args: run("--home", str(home), *args, bin=KIOSK_BIN)  # noqa: E731
        assert kiosk("init", "--library", "maple", "--name", "Maple").returncode == 0
        assert "no (run" in kiosk("status").stdout
        enrolled = kiosk("enroll", "--server", f"http://127.0.0.1:{port}", "--code", code)
        assert enrolled.returncode == 0, enrolled.stderr
        assert "front desk" in enrolled.stdout
        again = kiosk("enroll", "--server", f"http://127.0.0.1:{port}", "--code", code)
        assert again.returncode != 0 and "used or expired" in again.stderr
        waiting = json.loads(kiosk("status", "--format", "json").stdout)["waiting"]
        synced = json.loads(kiosk("sync", "--format", "json").stdout)
        assert synced["sent"] == waiting and synced["waiting"] == 0
        assert json.loads(kiosk("status", "--format", "json").stdout)["waiting"] == 0
        [listed] = json.loads(run("--data", str(data), "--json", "device", "list", "maple").stdout)
        assert (listed["name"], listed["software_version"], listed["events_waiting"]) == ("front desk", __version__, 0)
        assert "front desk" in run("--data", str(data), "device", "list", "maple").stdout
        assert run("--data", str(data), "device", "revoke", "maple", "front desk").returncode == 0
        refused = kiosk("sync")
        assert refused.returncode != 0 and "revoked" in refused.stderr
    finally:
        proc.kill()
        proc.wait()
