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
    # pages double from 1,000 to 5,000 events while the catch-up lasts: 7 rounds rather than 22
    assert report.requests <= 8, report.requests
    served = {e.id for _, e in server.storage.events("maple", limit=100_000)}
    assert {e.id for e in away.events()} == served
    assert len(away.list_tools()) == OTHERS // 4 + 1


def test_a_page_of_large_events_stays_within_the_answers_bounds(tmp_path, server, monkeypatch):
    """However many events a kiosk asks for, a page carries no more payload than the server allows
    (the first event always goes), and paging on gets every event exactly once."""
    from sync.server.sqlstore import pull

    monkeypatch.setattr(pull, "PAGE_PAYLOAD_BYTES", 20_000)
    busy = new_kiosk(tmp_path / "busy", server.storage, server.url, "maple")
    for n in range(60):
        busy.add_tool(f"BIG{n}", f"Tool {n}", description="A long description. " * 40)   # ~800 bytes each
    SyncClient(busy).sync()
    away = new_kiosk(tmp_path / "away", server.storage, server.url, "maple")
    device = server.storage.authenticate(away.meta("sync.token"))
    cursors: dict[str, int] = {}
    seen: list[str] = []
    pages = 0
    while True:
        page = server.storage.pull(device, cursors, protocol.MAX_PAGE)
        assert sum(len(e.payload_text.encode()) for e in page.events) <= 20_000 or len(page.events) == 1
        seen += [e.id for e in page.events]
        cursors, pages = page.cursors, pages + 1
        if not page.more:
            break
    assert pages >= 3 and sorted(seen) == sorted({e.id for _, e in server.storage.events("maple", limit=10_000)})
    assert len(seen) == len(set(seen))
    report = SyncClient(away).sync()
    assert report.requests >= 3 and len(away.list_tools()) == 60
