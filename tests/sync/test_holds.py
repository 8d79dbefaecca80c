"""Holds through the real sync server: kiosks of one library share waiting lists, partner libraries
see only "on the hold shelf" and how many wait, the server refuses bad hold events and forgets like the kiosks."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from kiosk.ledger import InvalidInput
from kiosk.ledger.ids import uuid7
from sync.client import SyncClient
from sync.protocol import check_event


def _stock(ledger):
    ledger.add_tool("T1", "Tile saw", category="Power tools")
    for code, name in (("M1", "Ana Lopez"), ("M2", "Ben Okafor")):
        ledger.add_member(code, name, expires="2099-01-01")
        ledger.accept_waiver(code)


def test_a_hold_placed_at_one_kiosk_is_honoured_at_the_other_and_partners_see_only_counts(kiosk):
    front, back, partner = kiosk("maple"), kiosk("maple"), kiosk("oak")
    _stock(front)
    front.checkout("M1", ["T1"])
    hold = front.place_hold("M2", "T1")
    for ledger in (front, back, partner):
        SyncClient(ledger).sync()
    [seen] = [t for t in partner.list_tools(all_libraries=True) if t["code"] == "T1"]
    assert (seen["status"], seen["waiting"]) == ("on_loan", 1)

    result = back.checkin("T1")                   # the other kiosk knows Ben waits
    assert result["hold"]["id"] == hold["id"] and result["hold"]["shelf_name"] == "Ben O."
    for ledger in (back, front, partner):
        SyncClient(ledger).sync()
    assert front.tool("T1")["status"] == "on_hold_shelf"
    [seen] = [t for t in partner.list_tools(all_libraries=True) if t["code"] == "T1"]
    assert (seen["status"], seen["waiting"]) == ("on_hold_shelf", 0)
    dump = "\n".join(partner._conn.iterdump())
    # the member's code as a code: a random device id may hold the letters "M2" inside it
    assert not re.search(r"(?<![A-Z0-9])M2(?![A-Z0-9])", dump) and "Ben" not in dump and "hold." not in dump


def test_the_server_refuses_hold_events_out_of_range(kiosk):
    ledger = kiosk("maple")
    base = {"id": uuid7(), "library": "maple", "device": ledger.device["id"], "seq": 1, "hlc": 1, "v": 1}
    good = {**base, "type": "hold.reordered", "entity": "hold:H1",
            "payload": {"hold_id": "H1", "order": 5, "reason": "phoned", "at": "2026-11-19"}}
    check_event(good)
    bad = [
        {**good, "payload": {**good["payload"], "reason": "x" * 201}},
        {**good, "payload": {**good["payload"], "order": -1}},
        {**good, "payload": {**good["payload"], "hold_id": "H" * 65}, "entity": "hold:" + "H" * 65},
        {**good, "entity": "hold:H2"},
        {**base, "type": "hold.set_aside", "entity": "hold:H1",
         "payload": {"hold_id": "H1", "tool": "T1", "ready_until": "soon", "at": "2026-11-19"}},
        {**base, "type": "hold.placed", "entity": "hold:H1",
         "payload": {"hold_id": "H1", "member": "M1", "tool": "T1", "any_copy": "yes", "at": "2026-11-19"}},
        {**base, "type": "library.configured", "entity": "library:maple", "payload": {"fields": {"max_holds": 99}}},
    ]
    for wire in bad:
        with pytest.raises(InvalidInput):
            check_event(wire)
    with pytest.raises(InvalidInput):   # the kiosk refuses the same values before anything is written
        ledger.configure(hold_pickup_days=61)
    assert ledger.settings["hold_pickup_days"] == 7


def test_the_server_forgets_the_members_of_ended_holds_like_the_kiosks(kiosk, server):
    ledger = kiosk("maple")
    _stock(ledger)
    ledger.checkout("M1", ["T1"])
    hold = ledger.place_hold("M2", "T1")
    ledger.cancel_hold(hold["id"])
    SyncClient(ledger).sync()
    later = date.today() + timedelta(days=91)
    assert server.storage.forget_old_borrowers(date.today()) == 0
    assert server.storage.forget_old_borrowers(later) == 1
    placed = next(e for _, e in server.storage.events("maple") if e.type == "hold.placed")
    assert placed.payload["member"] is None
    ledger.forget_old_borrowers(later)
    assert SyncClient(ledger).sync().quarantined == []
