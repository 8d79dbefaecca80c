"""The sync answer written from stored payload text: the bytes a kiosk gets are those the answer had
when every payload was parsed and written again, and a kiosk applies exactly the events sent."""

from __future__ import annotations

import dataclasses
import gzip

import pytest

from kiosk.ledger import Event
from kiosk.ledger.ids import uuid7
from sync import protocol
from sync.client import SyncClient
from sync.server import open_storage
from sync.server.answer import answer_body
from sync.server.app import _round
from tests.sync.test_server_api import post, sync_body, token

# payloads of every kind of text and number a kiosk may send, stored and passed on by the server
AWKWARD = [
    {"note": "Säge „Profi“ — 12 € ✓ 🔧 中文", "quote": 'say "hi"', "slash": "a\\b/c", "tab": "a\tb\nc\r\x01\x1f"},
    {"big": 2**63 - 1, "bigger": 2**80, "negative": -(2**70), "float": 0.1, "tiny": 5e-324, "huge": 1.7976931348623157e308},
    {"nested": {"list": [1, [2, [3, {"x": None, "t": True, "f": False}]]], "empty": {}, "none": []}},
    {"separators": "\u2028\u2029", "nul": "\x00", "surrogate_pair": "\U0001f600", "keys": {"ä": 1, "": 2, "\"": 3}},
]


def awkward_events(device: str, seq: int, hlc: int) -> list[Event]:
    unknown = [Event(uuid7(), "maple", device, seq + n, hlc + n, "future.kind", 1, f"future:{n} „ü“", payload)
               for n, payload in enumerate(AWKWARD)]
    tool = Event(uuid7(), "maple", device, seq + len(AWKWARD), hlc + 99, "tool.added", 1, "tool:SÄGE-1",
                 {"code": "SÄGE-1", "fields": {"name": 'Stichsäge "Pendel" 🔧', "replacement_value": 129.95,
                                               "description": "Zähne\\Blatt\n2×"}})
    return [*unknown, tool]


@pytest.fixture(params=["sqlite", "postgres"])
def any_storage(request, tmp_path):
    if request.param == "sqlite":
        yield request.getfixturevalue("storage")
        return
    store = open_storage(request.getfixturevalue("pg_url"))
    store.add_library("maple", "Maple Street")
    yield store
    store.close()


def test_the_answer_is_byte_for_byte_the_answer_of_the_parsed_payloads(any_storage):
    storage = any_storage
    sender, _ = storage.enroll(storage.invite("maple", "front"), "maple", "front")
    receiver, _ = storage.enroll(storage.invite("maple", "back"), "maple", "back")
    sent = awkward_events(sender.id, 1, 1 << 40)
    ingested = storage.ingest(sender, [e.to_wire() for e in sent])
    assert len(ingested.acks) == len(sent) and not ingested.rejected
    request = protocol.SyncRequest(protocol.PROTOCOL, "maple", receiver.id, [], {}, limit=100)
    response, page = _round(storage, receiver, request, lambda: 1_700_000_000_000)
    assert [e.id for e in page] == [e.id for e in sent] and response.device_names == {sender.id: "front"}
    expected = protocol.encode(dataclasses.replace(response, events=sent).to_json(), compress=False)
    assert answer_body(response, page, compress=False) == expected
    assert gzip.decompress(answer_body(response, page, compress=True)) == expected


def test_a_kiosk_gets_exactly_the_events_and_payloads_sent(kiosk, server):
    sender, receiver = kiosk("maple"), kiosk("maple")
    sender.add_tool("T1", "Drill")
    SyncClient(sender).sync()
    last = sender.events()[-1]
    sent = awkward_events(sender.device["id"], last.seq + 1, last.hlc + 1)
    post(server.url, sync_body(sender, sent), token(sender))
    SyncClient(receiver).sync()
    got = {e.id: e for e in receiver.events()}
    assert [got[e.id] for e in sent] == sent
    assert receiver.tool("SÄGE-1")["name"] == 'Stichsäge "Pendel" 🔧'
