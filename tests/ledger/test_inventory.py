"""Inventory checks live in the log: they survive closing the ledger, are shared by the library's
kiosks, end once (finished or discarded), and list what was not seen in shelf order."""

from __future__ import annotations

import pytest

from kiosk.ledger import Ledger, LedgerError, SyncBatch
from kiosk.ledger.inventory import shelf_order


@pytest.fixture
def ledger(tmp_path):
    ledger = Ledger.create(tmp_path / "k", library="maple", name="Maple")
    for code, shelf in [("T1", "A10"), ("T2", "A2"), ("T3", None), ("T4", "B1"), ("T5", "a3")]:
        ledger.add_tool(code, f"Tool {code}", shelf=shelf)
    yield ledger
    ledger.close()


def test_a_check_survives_closing_and_opening_the_ledger(ledger, tmp_path):
    check = ledger.start_inventory()
    assert ledger.inventory_seen(check["id"], "T1") is True
    assert ledger.inventory_seen(check["id"], "T1") is False  # seen twice, written once
    ledger.close()
    again = Ledger.open(tmp_path / "k")
    try:
        assert again.start_inventory()["id"] == check["id"]  # continued, not started afresh
        assert again.open_inventory()["seen"] == {"T1"}
        assert [e.type for e in again.events()].count("inventory.seen") == 1
    finally:
        again.close()


def test_missing_tools_in_shelf_order(ledger):
    check = ledger.start_inventory()
    ledger.inventory_seen(check["id"], "T4")
    assert [t["code"] for t in ledger.inventory_missing(check["id"])] == ["T2", "T5", "T1", "T3"]
    assert sorted([{"code": "x", "shelf": "A10"}, {"code": "y", "shelf": "A9"}], key=shelf_order)[0]["shelf"] == "A9"


def test_a_finished_check_stays_finished_and_a_new_one_starts(ledger):
    check = ledger.start_inventory()
    ledger.end_inventory(check["id"])
    assert ledger.open_inventory() is None and ledger.inventory(check["id"])["status"] == "finished"
    with pytest.raises(LedgerError):
        ledger.inventory_seen(check["id"], "T1")
    with pytest.raises(LedgerError):
        ledger.end_inventory(check["id"], discard=True)
    assert ledger.start_inventory()["id"] != check["id"]


def test_kiosks_of_the_library_share_a_check_and_agree_on_how_it_ended(tmp_path, ledger):
    other = Ledger.create(tmp_path / "other", library="maple", name="Maple")
    try:
        other.apply_sync(SyncBatch(acks={}, events=ledger.events(), meta={}))
        check = ledger.start_inventory()
        ledger.inventory_seen(check["id"], "T1")
        other.apply_sync(SyncBatch(acks={}, events=ledger.events(), meta={}))
        assert other.open_inventory()["id"] == check["id"]
        other.inventory_seen(check["id"], "T2")
        other.end_inventory(check["id"], discard=True)   # ended on both while apart
        ledger.end_inventory(check["id"])
        ledger.apply_sync(SyncBatch(acks={}, events=other.events(), meta={}))
        other.apply_sync(SyncBatch(acks={}, events=ledger.events(), meta={}))
        assert ledger.inventory(check["id"]) == other.inventory(check["id"])
        assert ledger.inventory(check["id"])["seen"] == {"T1", "T2"}
        snapshot = ledger.projection_snapshot()
        ledger.rebuild()
        assert ledger.projection_snapshot() == snapshot
    finally:
        other.close()


def test_unknown_tools_are_refused(ledger):
    check = ledger.start_inventory()
    with pytest.raises(LedgerError):
        ledger.inventory_seen(check["id"], "NOPE")
