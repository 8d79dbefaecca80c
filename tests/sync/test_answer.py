"""The sync answer written from stored payload text: the bytes a kiosk gets are those the answer had
when every payload was parsed and written again, and a kiosk applies exactly the events sent."""

from __future__ import annotations

import dataclasses
import gzip
import json

from kiosk.ledger import Event
from kiosk.ledger.ids import uuid7
from sync import protocol
from sync.client import SyncClient
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


def awkward_events(ledger) -> list[Event]:
    last = ledger.events()[-1]
    unknown = [Event(uuid7(), "maple", ledger.device["id"], last.seq + n, last.hlc + n, "future.kind", 1,
                     f"future:{n} „ü“", payload) for n, payload in enumerate(AWKWARD, 1)]
    tool = Event(uuid7(), "maple", ledger.device["id"], last.seq + len(AWKWARD) + 1, last.hlc + 99, "tool.added", 1,
                 "tool:SÄGE-1", {"code": "SÄGE-1", "fields": {"name": 'Stichsäge "Pendel" 🔧', "replacement_value": 129.95,
                                                              "description": "Zähne\\Blatt\n2×"}})
    return [*unknown, tool]


def test_the_answer_is_byte_for_byte_the_answer_of_the_parsed_payloads(kiosk, server):
    sender, receiver = kiosk("maple"), kiosk("maple")
    sender.add_tool("T1", "Drill")
    SyncClient(sender).sync()
    answer = post(server.url, sync_body(sender, awkward_events(sender)), token(sender)).json()
    assert len(answer["acks"]) == len(AWKWARD) + 1 and "rejected" not in answer
    storage = server.storage
    device = storage.authenticate(token(receiver))
    request = protocol.SyncRequest(protocol.PROTOCOL, "maple", device.id, [], {}, limit=100)
    response, page = _round(storage, device, request, lambda: 1_700_000_000_000)
    parsed = [Event(e.id, e.library, e.device, e.seq, e.hlc, e.type, e.version, e.entity, json.loads(e.payload_text))
              for e in page]
    assert len(page) >= len(AWKWARD) + 1
    expected = protocol.encode(dataclasses.replace(response, events=parsed).to_json(), compress=False)
    assert answer_body(response, page, compress=False) == expected
    assert gzip.decompress(answer_body(response, page, compress=True)) == expected


def test_a_kiosk_gets_exactly_the_events_and_payloads_sent(kiosk, server):
    sender, receiver = kiosk("maple"), kiosk("maple")
    sender.add_tool("T1", "Drill")
    SyncClient(sender).sync()
    sent = awkward_events(sender)
    post(server.url, sync_body(sender, sent), token(sender))
    SyncClient(receiver).sync()
    got = {e.id: e for e in receiver.events()}
    assert [got[e.id] for e in sent] == sent
    assert receiver.tool("SÄGE-1")["name"] == 'Stichsäge "Pendel" 🔧'
