"""A kiosk offline for a month: thousands of its own events, tens of thousands from the others."""

from __future__ import annotations

import pytest

from kiosk.ledger import Event
from kiosk.ledger.ids import uuid7
from sync import protocol
from sync.client import RequestsTransport, SyncClient
from tests.sync.helpers import new_kiosk

pytestmark = pytest.mark.slow
OTHERS = 20_000
OWN = 2_000


def busy_library_events(device: str, library: str, count: int, start_hlc: int, first_seq: int = 1) -> list[Event]:
    """What a busy kiosk writes in a month: tools, members, loans and returns."""
    events = []
    for n in range(1, count + 1):
        seq, hlc, kind = first_seq + n - 1, start_hlc + n, n % 4
        if kind == 0:
            code = f"BUSY-T{seq}"
            events.append(Event(uuid7(), library, device, seq, hlc, "tool.added", 1, f"tool:{code}",
                                {"code": code, "fields": {"name": f"Tool {seq}", "category": "Hand tools"}}))
        elif kind == 1:
            code = f"BUSY-M{seq}"
            events.append(Event(uuid7(), library, device, seq, hlc, "member.added", 1, f"member:{code}",
                                {"code": code, "fields": {"name": f"Member {seq}", "expires": "2099-01-01"}}))
        elif kind == 2:
            loan = uuid7()
            events.append(Event(uuid7(), library, device, seq, hlc, "loan.opened", 1, f"loan:{loan}",
                                {"loan_id": loan, "tool": f"BUSY-T{seq - 2}", "member": f"BUSY-M{seq - 1}",
                                 "due": "2026-12-01", "at": "2026-11-20"}))
        else:
            events.append(Event(uuid7(), library, device, seq, hlc, "loan.returned", 1, f"tool:BUSY-T{seq - 3}",
                                {"tool": f"BUSY-T{seq - 3}", "loan_id": None, "condition": "ok", "note": None,
                                 "missing_parts": [], "at": "2026-11-21"}))
    return events


def test_a_month_offline_catches_up(tmp_path, server):
    away = new_kiosk(tmp_path / "away", server.storage, server.url, "maple")
    busy = new_kiosk(tmp_path / "busy", server.storage, server.url, "maple")
    away.add_tool("A1", "Drill")
    SyncClient(away).sync()
    # a month of the other kiosk's work reaches the server
    token = busy.meta("sync.token")
    transport = RequestsTransport()
    produced = busy_library_events(busy.device["id"], "maple", OTHERS, int(busy.meta("hlc")), int(busy.meta("next_seq")))
    for i in range(0, OTHERS, protocol.MAX_EVENTS_PER_REQUEST):
        body = {"protocol": protocol.PROTOCOL, "library": "maple", "device": busy.device["id"],
                "events": [e.to_wire() for e in produced[i:i + protocol.MAX_EVENTS_PER_REQUEST]], "cursors": {"maple": 10**9},
                "limit": 1}
        reply = transport.request("POST", server.url + protocol.SYNC_PATH, body=protocol.encode(body),
                                  headers={"Authorization": f"Bearer {token}", "Content-Encoding": "gzip"})
        assert reply.status == 200
    # meanwhile the kiosk away lent and took back on its own
    for j in range(OWN // 2):
        away.add_member(f"AWAY-M{j}", f"Away member {j}", expires="2099-01-01")
    for j in range(OWN // 2):
        away.edit_tool("A1", shelf=f"S{j}")
    report = SyncClient(away).sync()
    assert report.sent >= OWN and away.outbox_size() == 0
    assert report.received >= OTHERS
    served = {e.id for _, e in server.storage.events("maple", limit=100_000)}
    assert {e.id for e in away.events()} == served
    assert len(away.list_tools()) == OTHERS // 4 + 1
