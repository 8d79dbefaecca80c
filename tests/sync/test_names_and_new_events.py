"""The library's kiosks learn each other's names from the server; the server checks the payloads of
inventory checks, members' languages and per-language waivers, and keeps them within the library."""

from __future__ import annotations

from kiosk.ledger import Event
from kiosk.ledger.events import MAX_WAIVER_CHARS
from kiosk.ledger.ids import uuid7
from sync.client import SyncClient
from tests.sync.test_server_api import post, stored_count, sync_body, token


def test_a_kiosk_learns_the_names_of_the_kiosks_whose_events_it_gets(kiosk, server):
    front, back = kiosk("maple"), kiosk("maple")  # invited as "kiosk k1" and "kiosk k2"
    back.add_tool("T1", "Drill")
    SyncClient(back).sync()
    assert front.device_name(back.device["id"]) is None
    SyncClient(front).sync()
    assert front.device_name(back.device["id"]) == "kiosk k2"
    assert front.device_name(front.device["id"]) == front.device["name"]
    assert front.device_name("SOMEONEELSE") is None


def event(ledger, seq: int, type_: str, entity: str, payload: dict, version: int = 1) -> Event:
    last = ledger.events()[-1]
    return Event(uuid7(), "maple", ledger.device["id"], seq, last.hlc + seq, type_, version, entity, payload)


def test_the_server_refuses_bad_inventory_language_and_waiver_payloads(kiosk, server):
    maple = kiosk("maple")
    maple.add_tool("T1", "Drill")
    maple.add_member("M1", "Ana")
    SyncClient(maple).sync()
    before = stored_count(server.storage, "maple")
    bad = [
        event(maple, 900, "inventory.started", "inventory:x", {"inventory_id": "x", "at": "yesterday"}),
        event(maple, 901, "inventory.seen", "inventory:x", {"inventory_id": "x"}),
        event(maple, 902, "inventory.seen", "inventory:y", {"inventory_id": "x", "tool": "T1"}),
        event(maple, 903, "inventory.finished", "inventory:" + "x" * 65, {"inventory_id": "x" * 65, "at": "2026-12-01"}),
        event(maple, 904, "member.edited", "member:M1", {"code": "M1", "fields": {"language": "fr"}}, 2),
        event(maple, 905, "member.edited", "member:M1", {"code": "M1", "fields": {"waiver_language": "EN"}}, 2),
        event(maple, 906, "library.configured", "library:maple", {"fields": {"waiver_texts": {"xx": "Hi"}}}, 2),
        event(maple, 907, "library.configured", "library:maple",
              {"fields": {"waiver_texts": {"es": "x" * (MAX_WAIVER_CHARS + 1)}}}, 2),
    ]
    answer = post(server.url, sync_body(maple, bad), token(maple)).json()
    assert [r["reason"] for r in answer["rejected"]] == ["invalid"] * len(bad)
    assert stored_count(server.storage, "maple") == before


def test_inventory_checks_reach_the_librarys_kiosks_never_a_partners(kiosk, server):
    maple, other, oak = kiosk("maple"), kiosk("maple"), kiosk("oak")
    maple.add_tool("T1", "Drill")
    maple.add_member("M1", "Ana", language="es")
    check = maple.start_inventory()
    maple.inventory_seen(check["id"], "T1")
    maple.configure(waiver_texts={"es": "Tomo prestado bajo mi responsabilidad."})
    assert SyncClient(maple).sync().quarantined == []
    SyncClient(other).sync()
    SyncClient(oak).sync()
    assert other.open_inventory()["seen"] == {"T1"} and other.member("M1")["language"] == "es"
    assert other.waiver("es")[0] == "Tomo prestado bajo mi responsabilidad."
    assert not [e for e in oak.events() if e.type.startswith("inventory.") or e.library == "maple" and "member" in e.type]
