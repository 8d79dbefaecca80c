"""Hostile devices and hostile requests, over real HTTP: enrollment names no device but the server,
one device's events never break another library's sync, and no body is decoded unbounded."""

from __future__ import annotations

import gc
import gzip
import json
import sqlite3
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
import requests

from kiosk.ledger import Ledger
from sync import protocol
from sync.client import Reply, ServerFailed, SyncClient, enroll, quarantined
from sync.server import open_storage
from sync.server.db import SQLiteDatabase
from sync.server.schema import MIGRATIONS
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
    folder = tmp_path / "server"
    folder.mkdir()
    conn = sqlite3.connect(folder / SQLiteDatabase.FILE)
    for script in MIGRATIONS[:3]:
        conn.executescript(script.format(BLOB="BLOB", SERIAL="INTEGER PRIMARY KEY AUTOINCREMENT") + ";")
    conn.executescript("""CREATE TABLE schema_version (version INTEGER NOT NULL);
        INSERT INTO schema_version VALUES (3);
        INSERT INTO libraries (slug, name, head, created_ms) VALUES ('maple', 'Maple', 3, 0), ('oak', 'Oak', 0, 0);
        INSERT INTO devices (id, library, name, token_hash, enrolled_ms) VALUES ('server:oak', 'maple', 'liar', 'x', 0);""")
    for n in range(1, 4):  # what the old enrollment let that device push
        conn.execute("""INSERT INTO events (library, lseq, id, device, device_seq, hlc, type, version, entity, payload,
                        catalog, received_ms) VALUES ('maple', ?, ?, 'server:oak', ?, 1, 'x.y', 1, 'x', '{}', 0, 0)""",
                     (n, f"forged-{n}", n))
    conn.commit()
    conn.close()
    storage = open_storage(folder)
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


def test_a_payload_too_deep_or_too_large_for_other_kiosks_to_read_is_refused_alone(server, kiosk):
    """An event of a type this server does not know is passed on as it is: its shape is bounded, so
    a page of such events always fits what a kiosk reads, and no kiosk is stuck behind one."""
    sender, reader = kiosk("maple"), kiosk("maple")
    sender.add_tool("T1", "Drill")
    [good] = sender.events()[-1:]
    base = dict(library="maple", device=sender.device["id"], hlc=good.hlc + 1, type="gadget.calibrated", v=1,
                entity="gadget:1")
    deep = {**base, "id": "e-deep", "seq": good.seq + 1, "payload": {"dial": [[[[[[[[[1]]]]]]]]]}}
    wide = {**base, "id": "e-wide", "seq": good.seq + 2, "payload": {"dial": [0] * (protocol.MAX_PAYLOAD_VALUES + 1)}}
    body = {"protocol": protocol.PROTOCOL, "library": "maple", "device": sender.device["id"], "cursors": {},
            "events": [good.to_wire(), deep, wide]}
    r = _sync_post(server.url, protocol.encode(body), sender.meta("sync.token"), **{"Content-Encoding": "gzip"})
    assert r.status_code == 200, r.text
    assert set(r.json()["acks"]) == {good.id}
    assert {x["id"]: x["message"] for x in r.json()["rejected"]} == {
        "e-deep": "the payload is nested more than 8 levels deep",
        "e-wide": f"the payload holds more than {protocol.MAX_PAYLOAD_VALUES} values"}
    SyncClient(reader).sync()
    assert reader.tool("T1")["name"] == "Drill"


def test_enrollment_bombs_from_several_clients_leave_the_server_answering(server, kiosk):
    """Four clients posting gzip bombs to the unauthenticated enrollment at once: each is refused
    after 8 KB is read, and a kiosk's sync and the health check are answered meanwhile."""
    ledger = kiosk("maple")
    bomb = gzip.compress(b"[" + b"0," * (16 << 20) + b"0]")
    answers: list[int] = []

    def attack() -> None:
        for _ in range(3):
            answers.append(_enroll_post(server.url, bomb, **{"Content-Encoding": "gzip"}).status_code)

    attackers = [threading.Thread(target=attack) for _ in range(4)]
    for thread in attackers:
        thread.start()
    ledger.add_tool("T1", "Drill")
    acknowledged = SyncClient(ledger).sync().acknowledged
    healthy = requests.get(server.url + "/v1/health", timeout=30).json()["ok"]
    for thread in attackers:
        thread.join()
    assert answers == [413] * 12 and acknowledged >= 1 and healthy


def test_a_kiosk_reads_a_hostile_answer_as_a_failed_sync_and_changes_nothing(tmp_path, server):
    """A server (or something in between) answering with JSON nested 100000 deep: the kiosk says the
    server failed, and its log and cursors stay as they were."""
    ledger = Ledger.create(tmp_path / "k", library="maple", name="Maple")
    enroll(ledger, server.url, server.storage.invite("maple", "front desk"))
    ledger.add_tool("T1", "Drill")
    before = (ledger.outbox_size(), ledger.meta("sync.cursors"))

    class Hostile:
        def request(self, method, url, *, body=None, headers=None):
            return Reply(200, {"content-type": "application/json"}, b"[" * 100_000 + b"]" * 100_000)

    with pytest.raises(ServerFailed, match="nested more than"):
        SyncClient(ledger, transport=Hostile()).sync()
    assert (ledger.outbox_size(), ledger.meta("sync.cursors")) == before
    assert gc.isenabled()  # held off while the answer was read, running again though the sync failed
    ledger.close()


def test_the_fullest_settings_a_kiosk_may_write_still_get_through(server, kiosk):
    """The payload bounds leave room for every closed date the limits allow, with as many category loan
    periods as still fit in one payload's bytes."""
    from datetime import date, timedelta

    from kiosk.ledger import limits

    ledger = kiosk("maple")
    first = date(2030, 1, 1)
    ledger.configure(closed_dates=[(first + timedelta(days=n)).isoformat() for n in range(limits.CLOSED_DATES_MAX)],
                     category_loan_days={f"C{n}": 7 for n in range(300)})
    report = SyncClient(ledger).sync()
    assert report.quarantined == [] and report.waiting == 0
