"""Hostile devices and hostile requests, over real HTTP: enrollment names no device but the server,
one device's events never break another library's sync, and no body is decoded unbounded."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import requests

from kiosk.ledger import Ledger
from sync import protocol
from sync.client import SyncClient, enroll, quarantined
from sync.server import open_storage
from tests.sync.hostile import Liar, enroll_raw
from tests.sync.helpers import free_port, start_server_process

KIOSK_BIN = Path(sys.executable).parent / "toolkiosk"
SERVER_BIN = Path(sys.executable).parent / "toolkiosk-server"


def _double_checkout(a: Ledger, b: Ledger) -> None:
    """Two kiosks of one library lend the same tool while they cannot see each other."""
    a.add_tool("T1", "Drill")
    a.add_member("M1", "Ana", expires="2099-01-01")
    a.accept_waiver("M1")
    a.add_member("M2", "Ben", expires="2099-01-01")
    a.accept_waiver("M2")
    SyncClient(a).sync()
    SyncClient(b).sync()
    a.checkout("M1", ["T1"])
    b.checkout("M2", ["T1"])


# -- devices and enrollment --------------------------------------------------------------------

def test_the_server_names_every_new_device_whatever_it_asks_for(server, kiosk):
    honest = kiosk("oak")
    asked = ["server:oak", "server:maple", honest.device["id"], "x" * 64]
    given = []
    for wanted in asked:
        r = enroll_raw(server.url, server.storage.invite("maple", "new kiosk"), "maple", wanted)
        assert r.status_code == 200, r.text
        given.append(r.json()["device"])
    assert not set(given) & set(asked) and len(set(given)) == len(given)
    assert all(protocol.DEVICE_ID.match(d) and ":" not in d for d in given)
    # the honest kiosk kept its token, and nothing of it moved to maple
    honest.add_tool("T1", "Drill")
    assert SyncClient(honest).sync().acknowledged >= 1
    assert {d["id"]: d["library"] for d in server.storage.devices()}[honest.device["id"]] == "oak"


def test_a_revoked_kiosk_stays_revoked_whatever_another_enrollment_asks(server, kiosk):
    honest = kiosk("maple")
    server.storage.revoke("maple", honest.device["id"])
    r = enroll_raw(server.url, server.storage.invite("maple", "again?"), "maple", honest.device["id"])
    assert r.status_code == 200 and r.json()["device"] != honest.device["id"]
    [row] = [d for d in server.storage.devices("maple") if d["id"] == honest.device["id"]]
    assert row["revoked_ms"] is not None


def test_a_device_lying_about_its_id_cannot_break_another_librarys_sync(server, kiosk):
    a, b = kiosk("oak"), kiosk("oak")
    liar = Liar.enroll(server.url, server.storage, "maple", asking_for="server:oak")
    _double_checkout(a, b)
    theirs = a.events() + b.events()
    # events claiming to be the oak server's, or oak's kiosks', numbered where the server's own will go
    for claimed in ("server:oak", a.device["id"], b.device["id"]):
        forged = [replace(e, seq=n + 1) for n, e in enumerate(theirs)]
        r = liar.push(forged, as_device=claimed)
        assert r.status_code == 200, r.text
        reasons = [x["reason"] for x in r.json()["rejected"]]
        assert len(reasons) == len(forged) and "wrong_device" in reasons   # the rest: maple is not their library
        assert not r.json()["acks"]
    # oak's kiosks sync on: the server opens its conflict under server:oak, and both hear of it
    for ledger in (a, b, a, b):
        SyncClient(ledger).sync()
    assert len(a.conflicts()) == 1 and a.conflicts() == b.conflicts()
    assert quarantined(a) == quarantined(b) == {}
    assert all(e.device != "server:oak" or e.library == "oak" for _, e in server.storage.events("maple"))


def test_a_database_with_a_device_enrolled_under_a_server_name_is_repaired(tmp_path):
    """Before ids were the server's, a device could enroll as server:oak and push events numbered
    where oak's own conflicts would go; upgrading revokes it and numbers past its events."""
    storage = open_storage(tmp_path / "server")
    for slug in ("maple", "oak"):
        storage.add_library(slug, slug.title())
    liar, _ = storage.enroll(storage.invite("maple", "liar"), "maple", "liar", device_id="LIAR")
    with storage.db.write() as tx:  # what the old enrollment let a device do
        tx.run("UPDATE devices SET id = 'server:oak' WHERE id = 'LIAR'")
        for n in range(1, 4):
            tx.run("""INSERT INTO events (library, lseq, id, device, device_seq, hlc, type, version, entity, payload,
                      catalog, received_ms) VALUES ('maple', ?, ?, 'server:oak', ?, 1, 'x.y', 1, 'x', '{}', 0, 0)""",
                   (n, f"forged-{n}", n))
        tx.run("UPDATE schema_version SET version = 3")   # as it was before migrations 4 and 5
        tx.run("ALTER TABLE invitations DROP COLUMN device")
        tx.run("ALTER TABLE devices DROP COLUMN clock_ahead_ms")
        tx.run("ALTER TABLE devices DROP COLUMN clock_ahead_at_ms")
    storage.close()
    storage = open_storage(tmp_path / "server")
    try:
        assert {d["id"]: d["revoked_ms"] is not None for d in storage.devices("maple")} == {"server:oak": True}
        event = storage.append_server_event("oak", "conflict.resolved", "conflict:c1",
                                            {"conflict_id": "c1", "resolution": "settled"})
        assert event.device == "server:oak" and event.seq == 4
    finally:
        storage.close()


def test_a_kiosk_takes_the_id_the_server_gives_with_what_it_wrote_before(tmp_path, server):
    ledger = Ledger.create(tmp_path / "k", library="maple", name="Maple")
    ledger.add_tool("T1", "Drill")                      # written before the kiosk was enrolled
    local = ledger.device["id"]
    result = enroll(ledger, server.url, server.storage.invite("maple", "front desk"))
    assert result["device"] == ledger.device["id"] != local
    assert {e.device for e in ledger.events()} == {result["device"]}
    assert ledger.tool("T1")["name"] == "Drill"
    ledger.add_tool("T2", "Saw")
    assert SyncClient(ledger).sync().acknowledged == len(ledger.events())
    assert {e.device for _, e in server.storage.events("maple")} == {result["device"]}
    reopened = Ledger.open(tmp_path / "k")
    assert reopened.device["id"] == result["device"]
    reopened.close()
    ledger.close()


def test_enrolling_a_kiosk_again_keeps_its_id_only_with_a_coordinators_code(tmp_path):
    data, home = tmp_path / "server", tmp_path / "kiosk"
    run = lambda *args, bin=SERVER_BIN: subprocess.run([str(bin), *args], capture_output=True, text=True, timeout=60)  # noqa: E731
    assert run("--data", str(data), "library", "add", "maple", "--name", "Maple").returncode == 0
    code = run("--data", str(data), "device", "invite", "maple", "--name", "front desk").stdout.strip()
    port = free_port()
    proc = start_server_process(data, port)
    url = f"http://127.0.0.1:{port}"
    try:
        kiosk = lambda *args: run("--home", str(home), *args, bin=KIOSK_BIN)  # noqa: E731
        assert kiosk("init", "--library", "maple", "--name", "Maple").returncode == 0
        first = json.loads(kiosk("enroll", "--server", url, "--code", code, "--format", "json").stdout)
        assert kiosk("sync").returncode == 0
        assert run("--data", str(data), "device", "revoke", "maple", "front desk").returncode == 0
        again = run("--data", str(data), "device", "reenroll", "maple", "front desk")
        assert again.returncode == 0 and "toolkiosk enroll" in again.stderr
        # another kiosk cannot use that code: it is for the front desk only, and stays unused
        other = Ledger.create(tmp_path / "other", library="maple", name="Maple")
        r = enroll_raw(url, again.stdout.strip(), "maple", other.device["id"])
        assert r.status_code == 409 and first["device"] in r.json()["error"]["message"]
        other.close()
        second = json.loads(kiosk("enroll", "--server", url, "--code", again.stdout.strip(), "--format", "json").stdout)
        assert second["device"] == first["device"]
        assert kiosk("sync").returncode == 0                                   # un-revoked, by a coordinator's choice
        [listed] = json.loads(run("--data", str(data), "--json", "device", "list", "maple").stdout)
        assert listed["id"] == first["device"] and listed["revoked"] is None
        unknown = run("--data", str(data), "device", "reenroll", "maple", "back room")
        assert unknown.returncode == 1 and "no device 'back room'" in unknown.stderr
    finally:
        proc.kill()
        proc.wait()


# -- hostile requests ----------------------------------------------------------------------------

def _sync_post(url: str, data: bytes, token: str | None = None, **headers) -> requests.Response:
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(url + protocol.SYNC_PATH, data=data, timeout=60,
                         headers={"Content-Type": "application/json", **auth, **headers})


def _enroll_post(url: str, data: bytes, **headers) -> requests.Response:
    return requests.post(url + protocol.ENROLL_PATH, data=data, timeout=60,
                         headers={"Content-Type": "application/json", **headers})


DEEP = [b"[" * 100_000, b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000]


@pytest.mark.parametrize("body", DEEP, ids=["open", "balanced", "objects"])
def test_deeply_nested_json_is_a_4xx_on_enroll_and_sync(server, kiosk, body):
    token = kiosk("maple").meta("sync.token")
    for compressed in (False, True):
        data = gzip.compress(body) if compressed else body
        headers = {"Content-Encoding": "gzip"} if compressed else {}
        answers = [_sync_post(server.url, data, token, **headers)]
        if len(data) <= protocol.ENROLL_BOUNDS.body_bytes:
            answers.append(_enroll_post(server.url, data, **headers))
        for r in answers:
            assert 400 <= r.status_code < 500, r.text
            assert r.json()["error"]["message"]
    assert requests.get(server.url + "/v1/health", timeout=10).json()["ok"]


def test_enrollment_bodies_are_bounded_before_they_are_decoded(server):
    code = server.storage.invite("maple", "front desk")
    bomb = gzip.compress(json.dumps([0] * 4_000_000).encode())               # 8 MB of JSON in a small gzip
    assert len(bomb) < protocol.ENROLL_BOUNDS.body_bytes * 4
    r = _enroll_post(server.url, bomb, **{"Content-Encoding": "gzip"})
    assert r.status_code == 413
    r = _enroll_post(server.url, b" " * (protocol.ENROLL_BOUNDS.body_bytes + 1))
    assert r.status_code == 413
    many = json.dumps({"code": code, "library": "maple", "device": "x", "name": "y",
                       "extra": [0] * 1000}).encode()
    assert len(many) < protocol.ENROLL_BOUNDS.body_bytes
    r = _enroll_post(server.url, many)
    assert r.status_code == 413 and "values" in r.json()["error"]["message"]
    # the code was not used up by any of that
    assert enroll_raw(server.url, code, "maple", "x").status_code == 200


def test_a_sync_body_with_millions_of_values_is_refused_before_it_is_parsed(server, kiosk):
    ledger = kiosk("maple")
    body = {"protocol": protocol.PROTOCOL, "library": "maple", "device": ledger.device["id"], "events": [],
            "cursors": {}, "padding": [0] * 3_000_000}
    data = gzip.compress(json.dumps(body).encode())
    assert len(data) < protocol.MAX_BODY_BYTES
    r = _sync_post(server.url, data, ledger.meta("sync.token"), **{"Content-Encoding": "gzip"})
    assert r.status_code == 413 and "values" in r.json()["error"]["message"]
    # a kiosk's real round still goes through
    ledger.add_tool("T1", "Drill")
    assert SyncClient(ledger).sync().acknowledged >= 1
