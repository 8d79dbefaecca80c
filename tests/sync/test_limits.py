"""One set of limits: what a kiosk's ledger refuses, the server refuses over HTTP, and what one accepts the other does.

Each bad value below was once accepted at the kiosk (or by the server) and broke checkouts,
forgetting, the loans page or every sync after it.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest

from kiosk.ledger import Event, InvalidInput, Ledger, limits
from kiosk.ledger.events import PROBLEM_MAX_LENGTH
from kiosk.ledger.ids import uuid7
from sync.client import SyncClient
from tests.sync.test_server_api import post, stored_count, sync_body, token

LONG_CODE = "C" * 250
BAD_TOOLS = [
    ("T1", "x" * 20_000, {}),                                  # a 20 KB name
    (LONG_CODE, "Drill", {}),                                  # a 250-character code
    ("T1", "Drill", {"loan_days": 5_000_000}),
    ("T1", "Drill", {"loan_days": -5}),
    ("T1", "Drill", {"kit": ["part"] * 500}),
    ("T1", "Drill", {"replacement_value": float("inf")}),
]
BAD_SETTINGS = [
    {"retention_days": 1_000_000}, {"default_loan_days": 5_000_000}, {"category_loan_days": {"Saws": "abc"}},
    {"category_loan_days": {"Saws": 5_000_000}}, {"loan_limit": -1}, {"max_renewals": 10**9},
    {"renewal_grace_days": 10**12}, {"closed_dates": ["9999-12-31"]},
]
BAD_MEMBERS = [
    {"email": "ana@example.org\nBcc: everyone@example.org"}, {"email": "not an address"},
    {"phone": "555-0101\r\n555-0102"}, {"phone": "call me maybe"}, {"expires": "9999-12-31"}, {"loan_limit": 10**9},
]


def _event(ledger: Ledger, type_: str, entity: str, payload: dict, seq: int = 999) -> Event:
    """An event as an older kiosk, which did not check these limits, would have sent it."""
    return Event(uuid7(), ledger.library["slug"], ledger.device["id"], seq, 1, type_, 1, entity, payload)


@pytest.mark.parametrize("code, name, fields", BAD_TOOLS,
                         ids=["20KB name", "250-char code", "loan_days", "negative loan_days", "kit", "value"])
def test_a_tool_the_server_would_refuse_is_refused_at_the_kiosk_too(kiosk, server, code, name, fields):
    ledger = kiosk("maple")
    before = len(ledger.events())
    with pytest.raises(InvalidInput) as refused:
        ledger.add_tool(code, name, **fields)
    assert str(refused.value) and len(ledger.events()) == before  # a clear message, nothing written
    sent = _event(ledger, "tool.added", f"tool:{code}", {"code": code, "fields": {"name": name, **fields}})
    answer = post(server.url, sync_body(ledger, [sent]), token(ledger))
    assert [r["reason"] for r in answer.json().get("rejected", [])] == ["invalid"]
    assert stored_count(server.storage, "maple") == 0


@pytest.mark.parametrize("fields", BAD_SETTINGS, ids=lambda f: next(iter(f)))
def test_settings_out_of_range_are_refused_by_the_kiosk_and_the_server(kiosk, server, fields):
    ledger = kiosk("maple")
    before = ledger.settings
    with pytest.raises(InvalidInput):
        ledger.configure(**fields)
    assert ledger.settings == before
    sent = _event(ledger, "library.configured", "library:maple", {"fields": fields})
    answer = post(server.url, sync_body(ledger, [sent]), token(ledger)).json()
    assert [r["reason"] for r in answer.get("rejected", [])] == ["invalid"]


@pytest.mark.parametrize("fields", BAD_MEMBERS, ids=lambda f: next(iter(f)))
def test_member_details_out_of_range_are_refused_by_the_kiosk_and_the_server(kiosk, server, fields):
    ledger = kiosk("maple")
    with pytest.raises(InvalidInput):
        ledger.add_member("M1", "Ana", **fields)
    ledger.add_member("M1", "Ana")
    with pytest.raises(InvalidInput):
        ledger.edit_member("M1", **fields)
    assert ledger.member("M1")["email"] is None and ledger.member("M1")["phone"] is None
    sent = _event(ledger, "member.added", "member:M2", {"code": "M2", "fields": {"name": "Ben", **fields}})
    answer = post(server.url, sync_body(ledger, [sent]), token(ledger)).json()
    assert [r["reason"] for r in answer.get("rejected", [])] == ["invalid"]


def test_whatever_the_kiosk_accepts_at_the_limits_the_server_accepts(kiosk, server):
    ledger = kiosk("maple")
    most = limits.TEXT_MAX["tool"]
    longest = {name: "x" * n for name, n in most.items() if name not in ("status", "photo", "condition")}
    ledger.add_tool("T" * limits.CODE_MAX, **{**longest, "loan_days": 365, "kit": ["p" * 200] * 50})
    ledger.add_member("M" * limits.CODE_MAX, "n" * 200, email="ana.lopez+tools@mail.example.org",
                      phone="+44 (20) 7946-0000 ext. 12", loan_limit=1000, expires="2199-12-31")
    ledger.configure(retention_days=3650, default_loan_days=365, category_loan_days={"c" * 200: 365},
                     renewal_grace_days=365)
    with pytest.raises(InvalidInput, match="too much to store"):  # long texts of 4-byte letters outgrow an event
        ledger.add_tool("T2", "🔧" * 200, description="🔧" * 2000, notes="🔧" * 2000)
    report = SyncClient(ledger).sync()
    assert report.quarantined == [] and report.waiting == 0
    assert stored_count(server.storage, "maple") == len(ledger.events())


def test_repeated_repairs_stay_within_what_the_server_stores(kiosk, server):
    ledger = kiosk("maple")
    ledger.add_tool("T1", "Drill")
    ledger.add_member("M1", "Ana", expires="2099-01-01")
    ledger.accept_waiver("M1")
    for n in range(12):
        ledger.checkout("M1", ["T1"])
        ledger.checkin("T1", "repair", problem=f"repair number {n}: " + "the chuck slips " * 15)
        ticket = ledger.repair_for_tool("T1")
        ledger.update_repair(ticket["id"], status="fixed", note="Fixed: " + "cleaned and tightened the chuck " * 10)
    history = ledger.repairs(tool_code="T1")
    assert len(history) == 12 and all(len(t["problem"]) <= PROBLEM_MAX_LENGTH for t in history)
    assert "repair number 11" in ledger.repair(ticket["id"])["problem"]
    assert SyncClient(ledger).sync().quarantined == []


def test_a_ledger_with_settings_from_before_the_limits_still_lends_and_forgets(kiosk):
    ledger = kiosk("maple")
    ledger.add_tool("T1", "Saw", category="Saws")
    ledger.add_member("M1", "Ana", expires="2099-01-01")
    ledger.accept_waiver("M1")
    # written the old way, before any range was checked
    ledger._write("library.configured", "library:maple", {"fields": {
        "default_loan_days": 5_000_000, "retention_days": 1_000_000, "category_loan_days": {"Saws": "abc"},
        "max_renewals": 10**12}})
    [loan] = ledger.checkout("M1", ["T1"])
    assert loan["due"] <= (date.today() + timedelta(days=14)).isoformat()  # the default period, not 13 000 years
    ledger.checkin("T1")
    assert ledger.forget_old_borrowers(date.today() + timedelta(days=91)) == 1


def test_one_librarys_bad_data_never_stops_forgetting_in_the_others(kiosk, server, caplog):
    maple, oak = kiosk("maple"), kiosk("oak")
    for ledger in (maple, oak):
        ledger.add_tool("T1", "Drill")
        ledger.add_member("M1", "Ana", expires="2099-01-01")
        ledger.accept_waiver("M1")
        ledger.checkout("M1", ["T1"])
        ledger.checkin("T1")
        SyncClient(ledger).sync()
    # maple's copy of its loan's opening is damaged on the server (a disk fault, a hand edit)
    storage = server.storage
    with storage.db.write("maple") as tx:
        tx.run("UPDATE events SET payload = '{not json' WHERE library = 'maple' AND type = 'loan.opened'")
    with caplog.at_level(logging.ERROR):
        assert storage.forget_old_borrowers(date.today() + timedelta(days=91)) == 1
    assert any("maple" in record.getMessage() for record in caplog.records)
    opened = next(e for _, e in storage.events("oak") if e.type == "loan.opened")
    assert opened.payload["member"] is None


def test_notes_on_returns_and_settled_conflicts_stay_within_what_the_server_stores(kiosk, server):
    ledger = kiosk("maple")
    ledger.add_tool("T1", "Drill")
    ledger.add_member("M1", "Ana", expires="2099-01-01")
    ledger.accept_waiver("M1")
    ledger.checkout("M1", ["T1"])
    before = len(ledger.events())
    with pytest.raises(InvalidInput, match="at most 2000"):
        ledger.checkin("T1", note="n" * 5000)
    with pytest.raises(InvalidInput, match="missing parts"):
        ledger.checkin("T1", "missing-parts", missing_parts=["p" * 300])
    assert len(ledger.events()) == before
    ledger.checkin("T1", "missing-parts", missing_parts=["a part with a long name " * 8] * 50)
    assert SyncClient(ledger).sync().quarantined == []
    long_note = _event(ledger, "loan.returned", "tool:T1", {"tool": "T1", "at": date.today().isoformat(),
                                                            "note": "n" * 5000})
    answer = post(server.url, sync_body(ledger, [long_note]), token(ledger)).json()
    assert [r["reason"] for r in answer.get("rejected", [])] == ["invalid"]


def test_the_server_refuses_an_address_that_ends_in_a_line_break(kiosk, server):
    ledger = kiosk("maple")
    sent = _event(ledger, "member.added", "member:M2",
                  {"code": "M2", "fields": {"name": "Ben", "email": "ben@example.org\n"}})
    answer = post(server.url, sync_body(ledger, [sent]), token(ledger)).json()
    assert [r["reason"] for r in answer.get("rejected", [])] == ["invalid"]
    ledger.add_member("M3", "Cy", email=" cy@example.org\n")   # a kiosk trims what was typed
    assert ledger.member("M3")["email"] == "cy@example.org"
