"""Repair tickets through the real sync server: a ticket opened at one kiosk is worked on at
another, partners see only that the tool is in for repair, and the server refuses bad repair events."""

from __future__ import annotations

import pytest

from kiosk.ledger import InvalidInput, Refused
from kiosk.ledger.ids import uuid7
from sync.client import SyncClient
from sync.protocol import check_event


def test_a_ticket_opened_at_one_kiosk_is_closed_at_the_other(kiosk):
    front, back, partner = kiosk("maple"), kiosk("maple"), kiosk("oak")
    front.add_tool("T1", "Tile saw", category="Power tools")
    front.add_member("M1", "Ana Lopez", expires="2099-01-01", area="Eastside")
    front.accept_waiver("M1")
    ticket = front.open_repair("T1", "Blade wobbles")
    for ledger in (front, back, partner):
        SyncClient(ledger).sync()
    assert back.repair_for_tool("T1")["problem"] == "Blade wobbles"
    with pytest.raises(Refused) as refused:
        back.checkout("M1", ["T1"])
    assert refused.value.refusals[0].reason == "in_repair"
    [seen] = [t for t in partner.list_tools(all_libraries=True) if t["code"] == "T1"]
    assert seen["status"] == "in_repair"
    assert partner.repairs() == []                 # the ticket itself stays within its library
    assert back.member("M1")["area"] == "Eastside"

    back.update_repair(ticket["id"], status="fixed", cost=9.5, assignee="Sam")
    for ledger in (back, front, partner):
        SyncClient(ledger).sync()
    assert (front.repair(ticket["id"])["status"], front.repair(ticket["id"])["cost"]) == ("fixed", 9.5)
    assert front.tool("T1")["status"] == "available"
    [seen] = [t for t in partner.list_tools(all_libraries=True) if t["code"] == "T1"]
    assert seen["status"] == "available"


def test_the_server_refuses_repair_events_out_of_range(kiosk):
    ledger = kiosk("maple")
    base = {"id": uuid7(), "library": "maple", "device": ledger.device["id"], "seq": 1, "hlc": 1, "v": 1}
    opened = {**base, "type": "repair.opened", "entity": "repair:R1",
              "payload": {"repair_id": "R1", "tool": "T1", "problem": "Wobbles", "origin": "return", "at": "2026-11-19"}}
    updated = {**base, "type": "repair.updated", "entity": "repair:R1",
               "payload": {"repair_id": "R1", "status": "fixed", "cost": 12.5, "at": "2026-11-19"}}
    check_event(opened)
    check_event(updated)
    bad = [
        {**opened, "payload": {**opened["payload"], "problem": "x" * 301}},
        {**opened, "payload": {**opened["payload"], "origin": "post"}},
        {**opened, "entity": "repair:R2"},
        {**updated, "payload": {**updated["payload"], "status": "lost"}},
        {**updated, "payload": {**updated["payload"], "cost": -1}},
        {**updated, "payload": {**updated["payload"], "cost": "12"}},
        {**updated, "payload": {**updated["payload"], "at": "someday"}},
        {**updated, "payload": {"repair_id": "R1", "at": "2026-11-19"}},
        {**base, "type": "member.edited", "entity": "member:M1", "payload": {"code": "M1", "fields": {"area": "x" * 41}}},
    ]
    for wire in bad:
        with pytest.raises(InvalidInput):
            check_event(wire)


def test_postgres_stores_repairs_and_forgets_borrowers_keeping_the_reports_counts(tmp_path, pg_url):
    from datetime import timedelta

    from sync.server import open_storage
    from tests.sync.helpers import ServerThread, new_kiosk

    store = open_storage(pg_url)
    store.add_library("maple", "Maple")
    with ServerThread(store) as running:
        ledger = new_kiosk(tmp_path / "k", store, running.url, "maple")
        ledger.configure(retention_days=30)
        ledger.add_tool("T1", "Drill")
        ledger.add_member("M1", "Ana Lopez", expires="2099-01-01", area="Eastside")
        ledger.accept_waiver("M1")
        today = ledger.today()
        ledger.checkout("M1", ["T1"], today=today - timedelta(days=90))
        ledger.checkin("T1", "repair", problem="Sparks", today=today - timedelta(days=80))
        ticket = ledger.repair_for_tool("T1")
        ledger.update_repair(ticket["id"], status="fixed", cost=3)
        SyncClient(ledger).sync()
        assert store.forget_old_borrowers(today) == 1
        opened = [e for _, e in store.events("maple") if e.type == "loan.opened"][0]
        assert opened.payload["member"] is None
        assert (opened.payload["borrower"]["area"], opened.payload["borrower"]["joined"]) == ("Eastside", today.isoformat())
        assert [e.type for _, e in store.events("maple") if e.type.startswith("repair.")] == ["repair.opened",
                                                                                             "repair.updated"]
        ledger.close()
    store.close()
