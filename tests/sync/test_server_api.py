"""The sync API over real HTTP: auth, refusals, idempotency, scopes, photos, versions."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import time
from datetime import date, timedelta

import pytest
import requests

from kiosk import __version__
from kiosk.ledger import Event, Ledger
from kiosk.ledger.ids import uuid7
from sync import protocol
from sync.client import AuthFailed, SyncClient, UpgradeRequired, enroll, quarantined
from tests.sync.helpers import ServerThread, new_kiosk


def post(url: str, body, token: str | None = None, *, raw: bytes | None = None, gz: bool = True, **headers):
    data = raw if raw is not None else protocol.encode(body, compress=gz)
    h = {"Content-Type": "application/json", **({"Content-Encoding": "gzip"} if gz and raw is None else {}), **headers}
    if token:
        h["Authorization"] = f"Bearer {token}"
    return requests.post(url + protocol.SYNC_PATH, data=data, headers=h, timeout=10)


def sync_body(ledger, events=(), **extra):
    return {"protocol": protocol.PROTOCOL, "library": ledger.library["slug"], "device": ledger.device["id"],
            "events": [e.to_wire() for e in events], "cursors": {}, **extra}


def token(ledger) -> str:
    return ledger.meta("sync.token")


def stored_count(storage, library: str) -> int:
    return len(storage.events(library, limit=100_000))


# -- enrollment and tokens -------------------------------------------------------------

def test_enrollment_code_works_once_and_only_for_its_library(tmp_path, server):
    from kiosk.ledger import Ledger

    maple = Ledger.create(tmp_path / "a", library="maple", name="Maple")
    oak = Ledger.create(tmp_path / "b", library="oak", name="Oak")
    code = server.storage.invite("maple", "front desk")
    with pytest.raises(Exception, match="this code is for the library 'maple'"):
        enroll(oak, server.url, code)
    result = enroll(maple, server.url, code.lower().replace("-", " "))  # typed loosely
    assert result["library"] == "maple" and result["device_name"] == "front desk"
    with pytest.raises(AuthFailed, match="unknown, used or expired"):
        enroll(maple, server.url, code)
    stored = server.storage.devices("maple")[0]
    assert token(maple) not in json.dumps(stored)  # only a hash is kept


def test_bad_and_revoked_tokens_are_refused_with_clear_messages(kiosk, server):
    ledger = kiosk("maple")
    ledger.add_tool("T1", "Drill")
    r = post(server.url, sync_body(ledger), "tk_nonsense")
    assert r.status_code == 401 and "enroll" in r.json()["error"]["message"]
    r = post(server.url, sync_body(ledger))
    assert r.status_code == 401 and "Bearer" in r.json()["error"]["message"]
    server.storage.revoke("maple", ledger.device["id"])
    with pytest.raises(AuthFailed, match="revoked"):
        SyncClient(ledger).sync()
    assert stored_count(server.storage, "maple") == 0
    assert ledger.outbox_size() > 0  # nothing dropped: it waits for a new enrollment


def test_unknown_library_and_someone_elses_library(kiosk, server):
    ledger = kiosk("maple")
    r = post(server.url, {**sync_body(ledger), "library": "nowhere"}, token(ledger))
    assert r.status_code == 404 and "nowhere" in r.json()["error"]["message"]
    r = post(server.url, {**sync_body(ledger), "library": "oak"}, token(ledger))
    assert r.status_code == 403 and "maple" in r.json()["error"]["message"]


# -- malformed requests: 4xx, nothing stored --------------------------------------------

@pytest.mark.parametrize("raw, status", [
    (b"{not json", 400),
    (b"\x1f\x8b\x08\x00garbage", 400),
    (b"[1, 2, 3]", 422),
    (json.dumps({"protocol": "1", "library": "maple", "device": "x"}).encode(), 422),
    (json.dumps({"protocol": 1, "library": "maple", "device": "x", "events": {"a": 1}}).encode(), 422),
    (json.dumps({"protocol": 1, "library": "maple", "device": "x", "events": [7]}).encode(), 422),
    (json.dumps({"protocol": 1, "library": "maple", "device": "x", "cursors": {"maple": -1}}).encode(), 422),
    (json.dumps({"protocol": 1, "library": "maple", "device": "x", "limit": 10**9}).encode(), 422),
])
def test_malformed_requests_are_refused_and_store_nothing(kiosk, server, raw, status):
    ledger = kiosk("maple")
    r = post(server.url, None, token(ledger), raw=raw)
    assert r.status_code == status, r.text
    assert r.json()["error"]["message"]
    assert stored_count(server.storage, "maple") == 0


def test_oversized_bodies_and_gzip_bombs_are_refused(kiosk, server):
    ledger = kiosk("maple")
    r = post(server.url, None, token(ledger), raw=b" " * (protocol.MAX_BODY_BYTES + 10))
    assert r.status_code == 413
    bomb = gzip.compress(b" " * (protocol.MAX_JSON_BYTES + 10))
    r = post(server.url, None, token(ledger), raw=bomb, **{"Content-Encoding": "gzip"})
    assert r.status_code == 413
    too_many = sync_body(ledger)
    too_many["events"] = [{"id": str(i)} for i in range(protocol.MAX_EVENTS_PER_REQUEST + 1)]
    r = post(server.url, too_many, token(ledger))
    assert r.status_code == 413 and str(protocol.MAX_EVENTS_PER_REQUEST) in r.json()["error"]["message"]
    assert stored_count(server.storage, "maple") == 0


def test_too_old_a_kiosk_is_told_to_upgrade(kiosk, server, monkeypatch):
    ledger = kiosk("maple")
    r = post(server.url, {**sync_body(ledger), "protocol": 0}, token(ledger))
    assert r.status_code == 426 and "Upgrade toolkiosk" in r.json()["error"]["message"]
    monkeypatch.setattr("sync.client.PROTOCOL", 0)
    with pytest.raises(UpgradeRequired):
        SyncClient(ledger).sync()


# -- what kiosks tell of themselves ---------------------------------------------------------

def test_every_round_records_when_a_kiosk_was_seen_its_version_clock_and_backlog(kiosk, server):
    a, b = kiosk("maple"), kiosk("maple")
    for j in range(3):
        a.add_tool(f"T{j}", "Drill")
    a.add_tool("LATE", "Saw")
    before = int(time.time() * 1000)
    SyncClient(a, batch=2).sync(max_rounds=1)
    [seen] = [d for d in server.storage.devices("maple") if d["id"] == a.device["id"]]
    assert before <= seen["last_seen_ms"] <= int(time.time() * 1000)
    assert seen["software_version"] == __version__ and abs(seen["clock_offset_ms"]) < 5_000
    assert seen["outbox"] == a.outbox_size() > 0 and seen["events_waiting"] == 0
    assert {d["id"]: d["events_waiting"] for d in server.storage.devices("maple")}[b.device["id"]] is None
    SyncClient(b, page=1).sync(max_rounds=1)  # one event pulled of all the library has
    head = server.storage.library("maple")["head"]
    assert {d["id"]: d["events_waiting"] for d in server.storage.devices("maple")}[b.device["id"]] == head - 1
    # a round with nothing to push counts as a sighting too; an older kiosk tells nothing more
    post(server.url, sync_body(a), token(a))
    [seen] = [d for d in server.storage.devices("maple") if d["id"] == a.device["id"]]
    assert seen["software_version"] is None and seen["clock_offset_ms"] is None
    assert seen["last_seen_ms"] >= before and seen["events_waiting"] == 0


def test_a_kiosk_clock_offset_is_its_wall_clock_less_the_server_clock(storage, tmp_path):
    with ServerThread(storage, now_ms=lambda: int(time.time() * 1000) - 60_000) as behind:
        ledger = new_kiosk(tmp_path / "k", storage, behind.url, "maple")
        try:
            SyncClient(ledger).sync()
        finally:
            ledger.close()
    [seen] = storage.devices("maple")
    assert 55_000 < seen["clock_offset_ms"] < 65_000


# -- idempotency and clones ----------------------------------------------------------------

def test_a_resent_batch_changes_nothing(kiosk, server):
    ledger = kiosk("maple")
    ledger.add_tool("T1", "Drill")
    events = ledger.outbox()
    first = post(server.url, sync_body(ledger, events), token(ledger)).json()
    again = post(server.url, sync_body(ledger, events), token(ledger)).json()
    assert first["acks"] == again["acks"] and len(first["acks"]) == len(events)
    assert stored_count(server.storage, "maple") == len(events)


def test_same_id_different_content_is_refused_flagged_and_quarantined(kiosk, server):
    ledger = kiosk("maple")
    ledger.add_tool("T1", "Drill")
    SyncClient(ledger).sync()
    original = ledger.events()[-1]
    clone = Event(original.id, original.library, original.device, original.seq, original.hlc, original.type,
                  original.version, original.entity, {"code": "T1", "fields": {"name": "Saw"}})
    answer = post(server.url, sync_body(ledger, [clone]), token(ledger)).json()
    assert answer["rejected"][0]["reason"] == "conflicting_content"
    same_seq = Event(uuid7(), original.library, original.device, original.seq, original.hlc, original.type,
                     original.version, original.entity, original.payload)
    answer = post(server.url, sync_body(ledger, [same_seq]), token(ledger)).json()
    assert answer["rejected"][0]["reason"] == "duplicate_seq"
    assert [f["reason"] for f in server.storage.flags("maple")] == ["conflicting_content", "duplicate_seq"]
    assert [e.payload for _, e in server.storage.events("maple")][-1]["fields"]["name"] == "Drill"


def test_a_kiosk_restored_from_a_backup_gets_its_own_later_events_back(kiosk, server, tmp_path):
    ledger = kiosk("maple")
    other = kiosk("maple")
    ledger.add_tool("T1", "Drill")
    SyncClient(ledger).sync()
    home = ledger.path.parent
    ledger.close()
    shutil.copytree(home, tmp_path / "backup")
    ledger = Ledger.open(home)
    ledger.add_tool("T2", "Saw")                 # written after the backup, and synced
    SyncClient(ledger).sync()
    ledger.close()
    restored = Ledger.open(tmp_path / "backup")  # the SD card died; the backup goes in
    try:
        report = SyncClient(restored).sync()
        assert report.quarantined == [] and server.storage.flags("maple") == []
        restored.add_tool("T3", "Ladder")        # numbered after the events that came back
        SyncClient(other).sync()
        assert SyncClient(restored).sync().quarantined == []
        SyncClient(other).sync()
        assert {t["code"] for t in restored.list_tools()} == {"T1", "T2", "T3"}
        assert restored.projection_snapshot() == other.projection_snapshot()
        assert restored.outbox_size() == 0 and server.storage.flags("maple") == []
    finally:
        restored.close()


def test_a_cloned_card_writing_the_same_numbers_is_still_refused_and_flagged(kiosk, server, tmp_path):
    ledger = kiosk("maple")
    ledger.add_tool("T1", "Drill")
    SyncClient(ledger).sync()
    ledger.close()
    shutil.copytree(ledger.path.parent, tmp_path / "clone")
    original, clone = Ledger.open(ledger.path.parent), Ledger.open(tmp_path / "clone")
    try:
        original.add_tool("T2", "Saw")
        clone.add_tool("T9", "Hammer")           # the same device id and number, other content
        SyncClient(original).sync()
        report = SyncClient(clone).sync()
        assert [q["reason"] for q in report.quarantined] == ["duplicate_seq"]
        assert [f["reason"] for f in server.storage.flags("maple")] == ["duplicate_seq"]
        assert "T9" not in {e.payload.get("code") for _, e in server.storage.events("maple")}
        assert "T2" not in {t["code"] for t in clone.list_tools()}  # never sent an event under a number it holds
    finally:
        original.close()
        clone.close()


def test_a_forgotten_borrower_is_the_same_event(kiosk, server):
    ledger = kiosk("maple")
    ledger.add_tool("T1", "Drill")
    ledger.add_member("M1", "Ana", expires="2099-01-01")
    ledger.accept_waiver("M1")
    ledger.checkout("M1", ["T1"])
    SyncClient(ledger).sync()
    opened = next(e for e in ledger.events() if e.type == "loan.opened")
    redacted = Event(opened.id, opened.library, opened.device, opened.seq, opened.hlc, opened.type, opened.version,
                     opened.entity, {**opened.payload, "member": None})
    answer = post(server.url, sync_body(ledger, [redacted]), token(ledger)).json()
    assert opened.id in answer["acks"] and "rejected" not in answer


def test_refused_events_are_quarantined_and_do_not_block_the_others(kiosk, server):
    ledger = kiosk("maple")
    ledger.add_tool("T1", "Drill")
    SyncClient(ledger).sync()
    original = ledger.events()[-1]
    # the same id already on the server with other content: as a restored backup would write it
    ledger._conn.execute("UPDATE events SET server_seq = NULL, payload = ? WHERE id = ?",
                         (json.dumps({"code": "T1", "fields": {"name": "Saw"}}), original.id))
    ledger.add_tool("T2", "Ladder")
    report = SyncClient(ledger).sync()
    assert [q["id"] for q in report.quarantined] == [original.id]
    assert report.waiting == 0 and original.id in quarantined(ledger)
    assert "T2" in {e.payload.get("code") for _, e in server.storage.events("maple")}
    assert SyncClient(ledger).sync().sent == 0  # not retried forever


def test_a_device_writes_only_its_own_librarys_events_as_itself(kiosk, server):
    maple, other = kiosk("maple"), kiosk("maple")
    maple.add_tool("T1", "Drill")
    own = maple.outbox()[-1]
    as_oak = Event(uuid7(), "oak", own.device, 999, own.hlc, "tool.added", 1, "tool:X", {"code": "X", "fields": {"name": "X"}})
    as_other = Event(uuid7(), "maple", other.device["id"], 999, own.hlc, "tool.added", 1, "tool:X",
                     {"code": "X", "fields": {"name": "X"}})
    conflict = Event(uuid7(), "maple", own.device, 998, own.hlc, "conflict.opened", 1, "conflict:x",
                     {"conflict_id": "x", "kind": "double_checkout", "tool": "T1"})
    bad_field = Event(uuid7(), "maple", own.device, 997, own.hlc, "tool.edited", 1, "tool:T1",
                      {"code": "T1", "fields": {"name = 'x'; --": "boom"}})
    answer = post(server.url, sync_body(maple, [as_oak, as_other, conflict, bad_field]), token(maple)).json()
    assert sorted(r["reason"] for r in answer["rejected"]) == ["invalid", "server_only", "wrong_device", "wrong_library"]
    assert stored_count(server.storage, "maple") == 0 and stored_count(server.storage, "oak") == 0


# -- scopes: who sees what ------------------------------------------------------------------

def test_partners_see_the_catalog_and_availability_never_members_or_loans(kiosk, server):
    maple, oak, elm = kiosk("maple"), kiosk("oak"), kiosk("elm")
    maple.add_tool("T1", "Cordless drill", category="Power tools")
    maple.add_member("ANA-CARD", "Ana Lopez", expires="2099-01-01", email="ana@example.org")
    maple.accept_waiver("ANA-CARD")
    maple.checkout("ANA-CARD", ["T1"])
    SyncClient(maple).sync()
    for ledger in (oak, elm):
        SyncClient(ledger).sync()
    [tool] = oak.list_tools(all_libraries=True)
    assert (tool["library"], tool["status"]) == ("maple", "on_loan") and tool["due_back"]
    assert oak.search_tools("drill", all_libraries=True)[0]["code"] == "T1"
    assert elm.list_tools(all_libraries=True) == []  # not a partner
    # a member code no random id or token can contain, so finding it means it leaked
    dump = "\n".join(oak._conn.iterdump())
    assert "Ana Lopez" not in dump and "ANA-CARD" not in dump and "ana@example.org" not in dump
    assert {e.type for e in oak.events() if e.library == "maple"} == {"tool.added"}
    maple.checkin("T1")
    SyncClient(maple).sync()
    SyncClient(oak).sync()
    assert oak.list_tools(all_libraries=True)[0]["status"] == "available"


def test_partners_see_a_tool_in_for_repair_while_its_ticket_is_open(kiosk, server):
    """As on the library's own kiosks: an open ticket keeps the tool in for repair, whatever the catalog says."""
    maple, oak = kiosk("maple"), kiosk("oak")
    maple.add_tool("T1", "Cordless drill")
    maple.add_member("M1", "Ana", expires="2099-01-01")
    maple.accept_waiver("M1")
    maple.checkout("M1", ["T1"])
    maple.checkin("T1", condition="repair", problem="Chuck slips")
    maple.set_tool_status("T1", "available")
    SyncClient(maple).sync()
    SyncClient(oak).sync()
    assert maple.tool("T1")["status"] == "in_repair"
    assert oak.list_tools(all_libraries=True)[0]["status"] == "in_repair"
    [ticket] = maple.repairs()
    maple.update_repair(ticket["id"], status="fixed")
    SyncClient(maple).sync()
    SyncClient(oak).sync()
    assert maple.tool("T1")["status"] == oak.list_tools(all_libraries=True)[0]["status"] == "available"


def test_unknown_event_types_are_stored_and_passed_on_but_not_to_partners(kiosk, server):
    maple, maple2, oak = kiosk("maple"), kiosk("maple"), kiosk("oak")
    own = maple.outbox()[-1]
    newer = Event(uuid7(), "maple", own.device, own.seq + 1, own.hlc + 1, "gadget.calibrated", 1, "gadget:1", {"dial": 3})
    tool_v9 = Event(uuid7(), "maple", own.device, own.seq + 2, own.hlc + 2, "tool.edited", 9, "tool:T9",
                    {"code": "T9", "shape": "new"})
    answer = post(server.url, sync_body(maple, [newer, tool_v9]), token(maple)).json()
    assert set(answer["acks"]) == {newer.id, tool_v9.id}
    report = SyncClient(maple2).sync()
    assert report.unknown == 2
    assert {e.id for e in maple2.events()} >= {newer.id, tool_v9.id}
    SyncClient(oak).sync()
    assert newer.id not in {e.id for e in oak.events()}


def test_double_checkouts_are_sent_to_the_librarys_kiosks_as_conflicts(kiosk, server):
    a, b, c = kiosk("maple"), kiosk("maple"), kiosk("maple")
    a.add_tool("T1", "Drill")
    for code in ("M1", "M2"):
        a.add_member(code, code, expires="2099-01-01")
        a.accept_waiver(code)
    for ledger in (a, b):
        SyncClient(ledger).sync()
    a.checkout("M1", ["T1"])
    b.checkout("M2", ["T1"])
    SyncClient(a).sync()
    SyncClient(b).sync()
    server_events = [e for _, e in server.storage.events("maple") if e.type == "conflict.opened"]
    assert len(server_events) == 1
    SyncClient(c).sync()  # c only ever sees the server's word and the two loans
    [conflict] = c.conflicts()
    assert conflict["id"] == server_events[0].payload["conflict_id"] and conflict["server_reported"] == 1
    SyncClient(a).sync()
    assert a.projection_snapshot() == c.projection_snapshot()


# -- photos ------------------------------------------------------------------------------------

def test_photos_travel_by_hash_lazily_with_a_size_limit(kiosk, server):
    maple, oak, elm = kiosk("maple"), kiosk("oak"), kiosk("elm")
    picture = b"\xff\xd8\xff" + b"drill photo" * 100
    sha = hashlib.sha256(picture).hexdigest()
    (maple.path.parent / "photos").mkdir()
    (maple.path.parent / "photos" / f"{sha}.jpg").write_bytes(picture)
    maple.add_tool("T1", "Drill", photo=f"photos/{sha}.jpg")
    oak.add_tool("T9", "Saw", photo=f"photos/{'0' * 64}.jpg")  # never uploaded: must not block anything
    SyncClient(oak).sync()
    first = SyncClient(maple).sync()
    assert first.photos_uploaded == 1
    report = SyncClient(oak).sync()
    assert report.photos_downloaded == 1 and report.waiting == 0
    assert (oak.path.parent / "photos" / f"{sha}.jpg").read_bytes() == picture
    headers = {"Authorization": f"Bearer {token(elm)}"}
    assert requests.get(server.url + f"/v1/photos/{sha}", headers=headers, timeout=5).status_code == 404
    headers = {"Authorization": f"Bearer {token(maple)}"}
    big = b"x" * (protocol.MAX_PHOTO_BYTES + 1)
    r = requests.put(server.url + f"/v1/photos/{hashlib.sha256(big).hexdigest()}", data=big, headers=headers, timeout=5)
    assert r.status_code == 413
    r = requests.put(server.url + f"/v1/photos/{'1' * 64}", data=b"abc", headers=headers, timeout=5)
    assert r.status_code == 422


# -- retention on the server --------------------------------------------------------------------

def test_the_server_forgets_old_borrowers_like_the_kiosks(kiosk, server):
    ledger = kiosk("maple")
    ledger.add_tool("T1", "Drill")
    ledger.add_member("M1", "Ana", expires="2099-01-01")
    ledger.accept_waiver("M1")
    ledger.checkout("M1", ["T1"])
    ledger.checkin("T1")
    SyncClient(ledger).sync()
    assert server.storage.forget_old_borrowers(date.today()) == 0
    assert server.storage.forget_old_borrowers(date.today() + timedelta(days=91)) == 1
    opened = next(e for _, e in server.storage.events("maple") if e.type == "loan.opened")
    assert opened.payload["member"] is None
    ledger.forget_old_borrowers(date.today() + timedelta(days=91))
    assert SyncClient(ledger).sync().quarantined == []


def test_a_member_forgotten_on_request_counts_the_same_on_a_kiosk_that_catches_up_later(kiosk, server):
    """The server redacts the loans of a member who asked to be forgotten; what the impact report counts
    of them (the counting key, the area, the day they joined) stays in its copy of the log."""
    front = kiosk("maple")
    front.add_tool("T1", "Drill")
    front.add_member("M1", "Ana", expires="2099-01-01", area="Eastside")
    front.accept_waiver("M1")
    front.checkout("M1", ["T1"])
    front.checkin("T1")
    SyncClient(front).sync()
    front.forget_history("M1")
    SyncClient(front).sync()
    opened = next(e for _, e in server.storage.events("maple") if e.type == "loan.opened")
    assert opened.payload["member"] is None and opened.payload["borrower"]["area"] == "Eastside"
    later = kiosk("maple")
    SyncClient(later).sync()
    year = (date.today() - timedelta(days=1), date.today() + timedelta(days=1))
    report = later.impact_report(*year)
    assert report == front.impact_report(*year)
    assert (report["borrowers"], report["by_area"]) == (1, [{"area": "fewer than 5", "borrowers": 1}])
    later.rebuild()
    assert later.impact_report(*year) == report


def test_openapi_describes_every_route(server):
    spec = requests.get(server.url + "/openapi.json", timeout=5).json()
    assert {"/v1/sync", "/v1/enroll", "/v1/photos/{sha256}", "/v1/health"} <= set(spec["paths"])
    assert spec["paths"]["/v1/sync"]["post"]["requestBody"]["content"]["application/json"]["schema"]["required"]
