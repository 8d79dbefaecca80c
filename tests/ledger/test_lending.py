"""Checkout, check-in, renewals, overdue and conflicts through the Ledger API."""

from datetime import date

import pytest

from kiosk.ledger import Event, InvalidInput, NotFound, Refused, SyncBatch
from kiosk.ledger.ids import uuid7
from tests.conftest import TODAY


def test_checkout_is_all_or_nothing(stocked_ledger):
    stocked_ledger.set_tool_status("T2", "in_repair")
    with pytest.raises(Refused) as refused:
        stocked_ledger.checkout("M1", ["T1", "T2"], today=TODAY)
    assert [r.subject for r in refused.value.refusals] == ["T2"]
    assert stocked_ledger.loans() == []
    assert stocked_ledger.tool("T1")["status"] == "available"

    [loan] = stocked_ledger.checkout("M1", ["T1"], today=TODAY)
    assert loan["due"] == "2026-11-26" and loan["member_name"] == "Ana Lopez"
    assert stocked_ledger.tool("T1")["status"] == "on_loan"


def test_a_tool_on_loan_is_refused_to_the_next_member(stocked_ledger):
    stocked_ledger.checkout("M1", ["T1"], today=TODAY)
    with pytest.raises(Refused) as refused:
        stocked_ledger.checkout("M2", ["T1"], today=TODAY)
    assert refused.value.refusals[0].reason == "on_loan"


def test_checkin_with_condition_sets_status_and_note(stocked_ledger):
    stocked_ledger.checkout("M1", ["T1", "T2"], today=TODAY)
    result = stocked_ledger.checkin("T1", "missing-parts", missing_parts=["charger"], today=TODAY)
    assert result["known_loan"] and result["tool"]["status"] == "in_repair"
    assert result["tool"]["notes"] == "Parts missing: charger"
    assert stocked_ledger.checkin("T2", "ok", today=TODAY)["tool"]["status"] == "available"
    assert stocked_ledger.loans() == []
    with pytest.raises(InvalidInput):
        stocked_ledger.checkin("T2", "broken")
    with pytest.raises(NotFound):
        stocked_ledger.checkin("NOPE")


def test_renew_moves_the_due_date_until_the_limit(stocked_ledger):
    stocked_ledger.checkout("M1", ["T3"], today=TODAY)
    assert stocked_ledger.renew("T3", today=TODAY)["due"] == "2026-11-25"
    assert stocked_ledger.renew("T3", today=TODAY)["renewals"] == 2
    with pytest.raises(Refused) as refused:
        stocked_ledger.renew("T3", today=TODAY)
    assert refused.value.refusals[0].reason == "renewal_limit"


def test_overdue_lists_oldest_first_with_contact(stocked_ledger):
    stocked_ledger.checkout("M1", ["T1"], today=date(2026, 11, 1))
    stocked_ledger.checkout("M2", ["T3"], today=date(2026, 10, 20))
    rows = stocked_ledger.overdue(as_of=TODAY)
    assert [r["tool_code"] for r in rows] == ["T3", "T1"]
    assert rows[0] == {"tool_code": "T3", "tool_name": "Step ladder", "member_code": "M2", "member_name": "Ben Okafor",
                       "contact": "m2@example.org", "due": "2026-10-23", "days_overdue": 27}
    assert stocked_ledger.overdue(as_of=date(2026, 10, 1)) == []


def _remote(ledger, type_, payload, *, device="OTHERKIOSK01", seq=1, hlc_offset=1):
    stamp = int(ledger.meta("hlc")) + hlc_offset
    return Event(uuid7(), "maple", device, seq, stamp, type_, 1, f"loan:{payload.get('loan_id', 'x')}", payload)


def test_double_checkout_from_another_kiosk_is_a_conflict_with_the_later_loan_provisional(stocked_ledger):
    [mine] = stocked_ledger.checkout("M1", ["T1"], today=TODAY)
    other = _remote(stocked_ledger, "loan.opened", {"loan_id": "L-other", "tool": "T1", "member": "M2",
                                                     "due": "2026-11-26", "at": TODAY.isoformat()})
    stocked_ledger.apply_sync(SyncBatch(acks={}, events=[other], meta={}))
    [conflict] = stocked_ledger.conflicts()
    assert conflict["kind"] == "double_checkout"
    assert [l["id"] for l in conflict["loans"]] == [mine["id"], "L-other"]
    assert stocked_ledger.loan("L-other")["provisional"] == 1 and stocked_ledger.loan(mine["id"])["provisional"] == 0

    stocked_ledger.resolve_conflict(conflict["id"], "Ana has it; Ben's scan was a mistake")
    assert stocked_ledger.conflicts() == []
    assert stocked_ledger.conflicts(include_resolved=True)[0]["resolution"] == "Ana has it; Ben's scan was a mistake"


def test_return_of_a_loan_not_seen_yet_closes_it_when_it_arrives(stocked_ledger):
    result = stocked_ledger.checkin("T2", today=TODAY)
    assert not result["known_loan"]
    assert stocked_ledger.conflicts()[0]["kind"] == "return_without_loan"
    earlier = _remote(stocked_ledger, "loan.opened", {"loan_id": "L-early", "tool": "T2", "member": "M2",
                                                       "due": "2026-11-20", "at": "2026-11-10"}, hlc_offset=-10**9)
    stocked_ledger.apply_sync(SyncBatch(acks={}, events=[earlier], meta={}))
    assert stocked_ledger.loan("L-early")["closed_at"] == TODAY.isoformat()
    assert stocked_ledger.conflicts() == []
    assert stocked_ledger.tool("T2")["status"] == "available"


def test_member_refusals_reach_the_checkout(stocked_ledger):
    stocked_ledger.edit_member("M1", expires="2026-03-03")
    with pytest.raises(Refused) as refused:
        stocked_ledger.checkout("M1", ["T1"], today=TODAY)
    assert "Your membership ended on 3 March 2026" in str(refused.value)
    stocked_ledger.add_member("M3", "Chloe Martin", expires="2030-01-01")
    assert stocked_ledger.checkout_refusals("M3", ["T1"], TODAY)[0].reason == "waiver_missing"


def test_privacy_forgets_borrowers_of_old_returned_loans_in_the_log_too(stocked_ledger):
    stocked_ledger.checkout("M1", ["T1"], today=date(2026, 6, 1))
    stocked_ledger.checkin("T1", today=date(2026, 6, 5))
    stocked_ledger.checkout("M2", ["T2"], today=date(2026, 11, 1))
    assert stocked_ledger.forget_old_borrowers(today=TODAY) == 1
    history = stocked_ledger.loans(open_only=False)
    assert sorted((l["tool_code"], l["member_code"]) for l in history) == [("T1", None), ("T2", "M2")]
    assert not any(e.payload.get("member") == "M1" for e in stocked_ledger.events() if e.type == "loan.opened")
    stocked_ledger.rebuild()
    assert sorted((l["tool_code"], l["member_code"]) for l in stocked_ledger.loans(open_only=False)) == [("T1", None), ("T2", "M2")]
    assert stocked_ledger.stats()["loans_total"] == 2


def test_search_finds_tools_by_prefix_of_any_word(stocked_ledger):
    stocked_ledger.add_tool("T4", "Hedge trimmer", brand="Bosch", keywords="cordless battery")
    assert {t["code"] for t in stocked_ledger.search_tools("cord")} == {"T1", "T4"}
    assert [t["code"] for t in stocked_ledger.search_tools("bosch hed")] == ["T4"]
    assert [t["code"] for t in stocked_ledger.search_tools("garden")] == ["T2"]
    assert stocked_ledger.search_tools("   ") == []
    stocked_ledger.edit_tool("T4", name="Leaf blower")
    assert stocked_ledger.search_tools("hedge") == []


def test_maker_code_finds_a_tool_as_upc_or_ean(stocked_ledger):
    stocked_ledger.edit_tool("T2", maker_code="012345678905")
    assert stocked_ledger.find_tool("012345678905")["code"] == "T2"
    assert stocked_ledger.find_tool("0012345678905")["code"] == "T2"
    assert stocked_ledger.find_tool("T1")["name"] == "Cordless drill"
    assert stocked_ledger.find_tool("999") is None


def test_minted_codes_never_repeat_on_a_kiosk(fresh_ledger):
    first = fresh_ledger.mint_codes("tool", 3)
    second = fresh_ledger.mint_codes("tool", 3)
    assert len(set(first + second)) == 6
    assert all(c.startswith("MAPLE-T") for c in first)
    tool = fresh_ledger.add_tool(None, "Jigsaw")
    assert tool["code"] not in first + second


def test_bad_fields_change_nothing(fresh_ledger):
    before = len(fresh_ledger.events())
    for call in (lambda: fresh_ledger.add_tool("X", ""), lambda: fresh_ledger.add_tool("X", "Saw", loan_days="seven"),
                 lambda: fresh_ledger.add_tool("X", "Saw", colour="red"), lambda: fresh_ledger.add_tool("X", "Saw", status="lost"),
                 lambda: fresh_ledger.add_member("M", "Ana", expires="next year"),
                 lambda: fresh_ledger.configure(open_weekdays=["funday"])):
        with pytest.raises(InvalidInput):
            call()
    assert len(fresh_ledger.events()) == before


def test_a_batch_is_written_whole_or_not_at_all(fresh_ledger):
    with pytest.raises(InvalidInput):
        with fresh_ledger.batch():
            fresh_ledger.add_tool("B1", "Saw")
            fresh_ledger.add_tool("B2", "Drill")
            fresh_ledger.add_tool("B1", "Saw again")  # duplicate code: the batch fails
    assert fresh_ledger.list_tools() == []
    with fresh_ledger.batch():
        fresh_ledger.add_tool("B1", "Saw")
        with pytest.raises(InvalidInput):
            fresh_ledger.add_tool("B1", "Saw again")  # refused step, caught: only it is undone
        fresh_ledger.add_tool("B2", "Drill")
    assert [t["code"] for t in fresh_ledger.list_tools()] == ["B2", "B1"]
    sequences = [e.seq for e in fresh_ledger.events()]
    assert sequences == list(range(1, len(sequences) + 1))


def test_a_kiosk_restored_from_a_backup_continues_its_sequence_after_its_own_events_return(tmp_path):
    import shutil

    from kiosk.ledger import Ledger

    home = tmp_path / "home"
    ledger = Ledger.create(home, library="maple", name="Maple")
    ledger.add_tool("T1", "Saw")
    ledger.close()
    shutil.copytree(home, tmp_path / "backup")
    ledger = Ledger.open(home)
    ledger.add_tool("T2", "Drill")              # written after the backup, and synced
    later = ledger.events()[-1:]
    ledger.close()

    restored = Ledger.open(tmp_path / "backup")   # the SD card died; the backup goes in
    restored.apply_sync(SyncBatch(acks={}, events=later, meta={}))
    restored.add_tool("T3", "Ladder")
    sequences = [e.seq for e in restored.events() if e.device == restored.device["id"]]
    assert sequences == list(range(1, len(sequences) + 1))
    assert {t["code"] for t in restored.list_tools()} == {"T1", "T2", "T3"}


def test_a_server_reported_conflict_gives_the_same_tables_in_any_arrival_order(tmp_path):
    import itertools

    from kiosk.ledger import Ledger

    origin = Ledger.create(tmp_path / "origin", library="maple", name="Maple")
    origin.add_tool("T1", "Saw")
    base = origin.events()
    stamp = int(origin.meta("hlc"))

    def event(type_, device, hlc, payload, entity):
        return Event(uuid7(), "maple", device, 1, stamp + hlc, type_, 1, entity, payload)

    first = event("loan.opened", "KIOSKA", 10, {"loan_id": "A", "tool": "T1", "member": "M1", "due": "2026-11-30",
                                                 "at": "2026-11-19"}, "loan:A")
    second = event("loan.opened", "KIOSKB", 10**9, {"loan_id": "B", "tool": "T1", "member": "M2", "due": "2026-11-30",
                                                     "at": "2026-11-20"}, "loan:B")
    back = event("loan.returned", "KIOSKC", 20, {"tool": "T1", "loan_id": None, "condition": "ok", "at": "2026-11-19"},
                 "tool:T1")
    reported = event("conflict.opened", "server:maple", 2 * 10**9, {"conflict_id": "double:A:B", "kind": "double_checkout",
                                                                     "tool": "T1", "loan_a": "A", "loan_b": "B"},
                     "conflict:double:A:B")
    snapshots = []
    for n, order in enumerate(itertools.permutations([first, second, back, reported])):
        replica = Ledger.create(tmp_path / f"r{n}", library="maple", name="Maple")
        replica.apply_sync(SyncBatch(acks={}, events=base, meta={}))
        for e in order:
            replica.apply_sync(SyncBatch(acks={}, events=[e], meta={}))
        snapshot = replica.projection_snapshot()
        snapshots.append({t: snapshot[t] for t in ("loans", "conflicts", "returns", "tools")})
        replica.close()
    assert all(s == snapshots[0] for s in snapshots)
    [conflict] = snapshots[0]["conflicts"]
    assert conflict[0] == "double:A:B"
