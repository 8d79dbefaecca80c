"""Conflicts: what kiosks did apart, found, agreed on by every replica, and settled."""

from kiosk.ledger import Event, SyncBatch
from kiosk.ledger.ids import uuid7
from tests.conftest import TODAY


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


def test_loans_out_at_once_stay_a_conflict_once_both_are_back_and_a_loan_back_first_makes_none(tmp_path, stocked_ledger):
    from kiosk.ledger import Ledger

    stamp = int(stocked_ledger.meta("hlc"))

    def event(type_, device, seq, hlc, payload):
        entity = f"tool:{payload['tool']}" if type_ == "loan.returned" else f"loan:{payload['loan_id']}"
        return Event(uuid7(), "maple", device, seq, stamp + hlc, type_, 1, entity, payload)

    def lent(device, loan, tool, member, hlc):
        return event("loan.opened", device, 1, hlc, {"loan_id": loan, "tool": tool, "member": member,
                                                     "due": "2026-11-30", "at": "2026-11-20"})

    def back(device, loan, tool, hlc):
        return event("loan.returned", device, 2, hlc, {"tool": tool, "loan_id": loan, "condition": "ok",
                                                       "at": "2026-11-21"})

    # T1: A is returned after B went out, so both were out at once; T2: C was back before D went out
    events = [lent("KIOSKA", "A", "T1", "M1", 10), lent("KIOSKB", "B", "T1", "M2", 20), back("KIOSKA", "A", "T1", 30),
              back("KIOSKB", "B", "T1", 40), lent("KIOSKC", "C", "T2", "M1", 10), back("KIOSKC", "C", "T2", 20),
              lent("KIOSKD", "D", "T2", "M2", 25)]
    one_by_one = Ledger.create(tmp_path / "one-by-one", library="maple", name="Maple")
    one_by_one.apply_sync(SyncBatch(acks={}, events=stocked_ledger.events(), meta={}))
    stocked_ledger.apply_sync(SyncBatch(acks={}, events=events, meta={}))
    for e in events:
        one_by_one.apply_sync(SyncBatch(acks={}, events=[e], meta={}))
    for replica in (stocked_ledger, one_by_one):
        [conflict] = replica.conflicts()
        assert conflict["kind"] == "double_checkout" and conflict["tool_code"] == "T1"
        assert [loan["id"] for loan in conflict["loans"]] == ["A", "B"]
        assert all(loan["closed_by"] for loan in conflict["loans"])
        assert replica.loan("D")["provisional"] == 0 and replica.tool("T2")["status"] == "on_loan"
