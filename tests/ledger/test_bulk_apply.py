"""Property: applying many events at once gives the very tables applying them one by one gives.

Random logs of raw events from several kiosks (double checkouts, returns
without a loan id or for loans not seen yet, renewals before their loan, holds
set aside twice or lent, server-reported conflicts and their resolutions, members
forgetting their history, renewals stamped after the return,
events of unknown types and versions) reach a kiosk in pages of random sizes
(the bulk path on a kiosk that already holds state), and the log is then
rebuilt both in bulk and event by event.
"""

from __future__ import annotations

import gc
import os
import random
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from kiosk.ledger import Event, Ledger, SyncBatch, bulk_apply

LIBRARY = "maple"
DEVICES = ["DEVAAAAAAAAA", "DEVBBBBBBBBB", "DEVCCCCCCCCC"]
TOOLS = ["T1", "T2", "T3"]
MEMBERS = ["M1", "M2"]
LOANS = ["L1", "L2", "L3", "L4", "L5"]
LOAN_TOOL = {"L1": "T1", "L2": "T1", "L3": "T1", "L4": "T2", "L5": "T3"}  # a loan id is one loan of one tool
SAME_TOOL = [(a, b) for a in LOANS for b in LOANS if a != b and LOAN_TOOL[a] == LOAN_TOOL[b]]
HOLDS = ["H1", "H2", "H3"]
DAYS = ["2026-11-02", "2026-11-09", "2026-11-16"]
# what a borrower forgotten on the server left in a loan's opening for the impact report (or nothing)
KEPT = [None, {"tag": "a1b2c3d4e5f6a7b8c9d0", "area": "Eastside", "joined": "2025-03"}, {"area": "Ñuñoa"}]
# a return's note and missing parts: none, text with quotes and accents, a kit missing pieces
RETURN_NOTES = [(None, []), ('la "llave" del mandril, señor', []), (None, ["chuck key", "Ñ-bit 3/8\""])]

step = st.one_of(
    st.tuples(st.just("tool"), st.sampled_from(TOOLS), st.sampled_from(["Drill", "Saw", None]),
              st.sampled_from(["available", "in_repair", None]), st.sampled_from(["A1", "B2"])),
    st.tuples(st.just("member"), st.sampled_from(MEMBERS), st.sampled_from(["en", "es"])),
    # only borrowers forget here: a hold placed after its member forgot their history keeps them
    # event by event but not in a rebuild, whichever way events are applied (the holds' own rule)
    st.tuples(st.just("forget"), st.just("M2")),
    st.tuples(st.just("open"), st.sampled_from(LOANS), st.sampled_from(MEMBERS + [None]), st.sampled_from(KEPT)),
    st.tuples(st.just("renew"), st.sampled_from(LOANS), st.sampled_from(DAYS)),
    st.tuples(st.just("return"), st.sampled_from(TOOLS), st.sampled_from(LOANS + [None, None]),
              st.sampled_from(["ok", "repair", "missing-parts"]), st.sampled_from(RETURN_NOTES)),
    st.tuples(st.just("server_conflict"), st.sampled_from(SAME_TOOL)),
    st.tuples(st.just("resolve"), st.sampled_from(LOANS), st.sampled_from(LOANS)),
    st.tuples(st.just("hold"), st.sampled_from(HOLDS), st.sampled_from(TOOLS), st.sampled_from(["M1", None]), st.booleans()),
    st.tuples(st.just("set_aside"), st.sampled_from(HOLDS), st.sampled_from(TOOLS)),
    st.tuples(st.just("hold_end"), st.sampled_from(HOLDS),
              st.sampled_from(["hold.picked_up", "hold.cancelled", "hold.expired"]), st.sampled_from(LOANS + [None])),
    st.tuples(st.just("reorder"), st.sampled_from(HOLDS), st.integers(0, 10_000)),
    st.tuples(st.just("inventory"), st.sampled_from(["I1", "I2"]),
              st.sampled_from(["inventory.started", "inventory.seen", "inventory.finished"]), st.sampled_from(TOOLS)),
    st.tuples(st.just("unknown"), st.sampled_from(TOOLS), st.sampled_from(["tool.painted", "loan.opened"])),
)


def _event(kind: tuple, device: str, seq: int, hlc: int) -> Event:
    """One raw event from a kiosk, as a server would pass it on."""
    name, *args = kind
    day = DAYS[hlc % len(DAYS)]
    if name == "tool":
        code, title, status, shelf = args
        fields = {k: v for k, v in {"name": title, "status": status, "shelf": shelf}.items() if v or k == "status"}
        type_, entity, payload = "tool.edited", f"tool:{code}", {"code": code, "fields": fields}
    elif name == "member":
        type_, entity, payload = "member.edited", f"member:{args[0]}", {"code": args[0], "fields": {"language": args[1]}}
    elif name == "forget":  # the member asked to forget their history: loans returned before it forget them
        type_, entity, payload = "member.history_forgotten", f"member:{args[0]}", {"code": args[0]}
    elif name == "open":
        loan, member, kept = args
        type_, entity, payload = "loan.opened", f"loan:{loan}", {
            "loan_id": loan, "tool": LOAN_TOOL[loan], "member": member, "due": "2026-12-01", "at": day}
        if kept and member is None:
            payload["borrower"] = kept
    elif name == "renew":
        type_, entity, payload = "loan.renewed", f"loan:{args[0]}", {"loan_id": args[0], "due": args[1]}
    elif name == "return":
        tool, loan, condition, (note, missing) = args
        type_, entity, payload = "loan.returned", f"tool:{tool}", {
            "tool": tool, "loan_id": loan, "condition": condition, "note": note, "missing_parts": missing, "at": day}
    elif name == "server_conflict":
        a, b = args[0]
        type_, entity, payload = "conflict.opened", f"conflict:double:{a}:{b}", {
            "conflict_id": f"double:{a}:{b}", "kind": "double_checkout", "tool": LOAN_TOOL[a], "loan_a": a, "loan_b": b}
    elif name == "resolve":
        type_, entity, payload = "conflict.resolved", f"conflict:double:{args[0]}:{args[1]}", {
            "conflict_id": f"double:{args[0]}:{args[1]}", "resolution": "settled", "note": None}
    elif name == "hold":
        hold, tool, member, any_copy = args
        type_, entity, payload = "hold.placed", f"hold:{hold}", {
            "hold_id": hold, "member": member, "tool": tool, "any_copy": any_copy, "at": day}
    elif name == "set_aside":
        type_, entity, payload = "hold.set_aside", f"hold:{args[0]}", {
            "hold_id": args[0], "tool": args[1], "at": day, "ready_until": "2026-12-01"}
    elif name == "hold_end":
        hold, type_, loan = args
        entity, payload = f"hold:{hold}", {"hold_id": hold, "at": day, "loan_id": loan}
    elif name == "reorder":
        type_, entity, payload = "hold.reordered", f"hold:{args[0]}", {"hold_id": args[0], "order": args[1], "reason": "x"}
    elif name == "inventory":
        check, type_, tool = args
        entity, payload = f"inventory:{check}", {"inventory_id": check, "tool": tool, "at": day}
    else:  # a newer kiosk's event: stored and passed on, not applied
        tool, type_ = args
        entity, payload = f"tool:{tool}", {"code": tool, "tool": tool}
    version = 99 if name == "unknown" else 1
    return Event(f"E{device[3]}{seq:05d}", LIBRARY, device, seq, hlc, type_, version, entity, payload)


def _log(kinds: list[tuple], devices: list[int], seed: int) -> list[Event]:
    """Events in one arrival order, with clocks that disagree with it (kiosks offline apart)."""
    clocks = random.Random(seed).sample(range(1 << 40, (1 << 40) + 100_000), len(kinds))
    seqs = dict.fromkeys(DEVICES, 0)
    events = []
    for kind, device_index, hlc in zip(kinds, devices, clocks):
        device = DEVICES[device_index]
        seqs[device] += 1
        events.append(_event(kind, device, seqs[device], hlc))
    return events


def _two_copies(root: Path) -> tuple[Ledger, Ledger]:
    """One kiosk and a copy of its folder: the same device and its own events on both."""
    first = Ledger.create(root / "single", library=LIBRARY, name="Maple")
    first.close()
    shutil.copytree(root / "single", root / "paged")
    return Ledger.open(root / "single"), Ledger.open(root / "paged")


@settings(max_examples=int(os.environ.get("LEDGER_EXAMPLES", "60")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds=st.lists(step, min_size=1, max_size=40), devices=st.lists(st.integers(0, 2), min_size=40, max_size=40),
       seed=st.integers(0, 2**32 - 1), pages=st.lists(st.integers(1, 12), min_size=1, max_size=40))
def test_bulk_and_event_by_event_give_the_same_tables(tmp_path_factory, kinds, devices, seed, pages):
    events = _log(kinds, devices, seed)
    one_by_one, paged = _two_copies(tmp_path_factory.mktemp("bulk"))
    for event in events:
        one_by_one.apply_sync(SyncBatch(acks={}, events=[event], meta={}))
    start = 0
    for size in pages * (len(events) // len(pages) + 1):
        if start >= len(events):
            break
        paged.apply_sync(SyncBatch(acks={}, events=events[start:start + size], meta={}))
        start += size
    one_by_one.rebuild(one_by_one=True)
    reference = one_by_one.projection_snapshot()
    assert paged.projection_snapshot() == reference
    paged.rebuild()
    assert paged.projection_snapshot() == reference
    one_by_one.close()
    paged.close()


@settings(max_examples=int(os.environ.get("LEDGER_EXAMPLES", "60")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds=st.lists(step, min_size=1, max_size=40), devices=st.lists(st.integers(0, 2), min_size=40, max_size=40),
       seed=st.integers(0, 2**32 - 1))
def test_a_rebuild_of_a_log_opening_each_loan_once_gives_the_same_tables(tmp_path_factory, kinds, devices, seed):
    """The rebuild's own shortcut (loans and returns at once, conflicts worked out only for tools
    that can have one) runs on logs where no loan id opens twice: double checkouts, returns that
    close nothing, conflicts the server reported."""
    opened: set[str] = set()
    once = []
    for kind in kinds:
        if kind[0] == "open" and kind[1] in opened:
            continue
        opened.update([kind[1]] if kind[0] == "open" else [])
        once.append(kind)
    events = _log(once, devices, seed)
    one_by_one, bulk = _two_copies(tmp_path_factory.mktemp("rebuild"))
    for ledger in (one_by_one, bulk):
        ledger.apply_sync(SyncBatch(acks={}, events=events, meta={}))
    one_by_one.rebuild(one_by_one=True)
    bulk.rebuild()
    assert bulk.projection_snapshot() == one_by_one.projection_snapshot()
    one_by_one.close()
    bulk.close()


def test_a_catch_up_of_many_pages_leaves_what_one_by_one_leaves(tmp_path):
    """A worked case: a tool lent, returned without a loan id and lent again across pages, lent twice at once."""
    steps = [("tool", "T1", "Drill", None, "A1"), ("open", "L1", "M1", None), ("return", "T1", None, "ok", (None, [])),
             ("open", "L2", "M2", None), ("open", "L3", "M1", None), ("renew", "L2", "2026-12-09"),
             ("hold", "H1", "T1", "M2", False), ("set_aside", "H1", "T1")]
    events = [_event(kind, DEVICES[0], n + 1, (1 << 40) + n) for n, kind in enumerate(steps)]
    single, paged = _two_copies(tmp_path)
    for event in events:
        single.apply_sync(SyncBatch(acks={}, events=[event], meta={}))
    single.rebuild(one_by_one=True)
    paged.apply_sync(SyncBatch(acks={}, events=events[:3], meta={}))
    paged.apply_sync(SyncBatch(acks={}, events=events[3:], meta={}))
    assert paged.projection_snapshot() == single.projection_snapshot()
    loans = {loan["id"]: loan for loan in paged.loans(open_only=False)}
    assert loans["L1"]["closed_by"] is not None and loans["L2"]["closed_by"] is None
    assert loans["L2"]["renewals"] == 1 and loans["L2"]["due"] == "2026-12-09"
    assert loans["L3"]["provisional"] == 1
    assert paged.tool("T1")["status"] == "on_loan"


def test_renewals_in_bulk_keep_the_latest_that_stands_and_a_later_return_voids_them(tmp_path):
    """The latest renewal by its clock sets the due date, not the latest date; a return stamped before a
    renewal that arrives in a later page voids it, and the loan is due when it was first due again."""
    timed = [(("open", "L1", "M1", None), 1), (("renew", "L1", "2026-11-16"), 2), (("renew", "L1", "2026-11-09"), 3),
             (("open", "L4", "M2", None), 4), (("renew", "L4", "2026-11-16"), 10),
             (("return", "T2", "L4", "ok", (None, [])), 5)]
    events = [_event(kind, DEVICES[n % 2], n + 1, (1 << 40) + hlc) for n, (kind, hlc) in enumerate(timed)]
    single, paged = _two_copies(tmp_path)
    for event in events:
        single.apply_sync(SyncBatch(acks={}, events=[event], meta={}))
    single.rebuild(one_by_one=True)
    paged.apply_sync(SyncBatch(acks={}, events=events[:5], meta={}))
    before = {loan["id"]: loan for loan in paged.loans(open_only=False)}
    assert (before["L4"]["renewals"], before["L4"]["due"]) == (1, "2026-11-16")
    paged.apply_sync(SyncBatch(acks={}, events=events[5:], meta={}))
    assert paged.projection_snapshot() == single.projection_snapshot()
    loans = {loan["id"]: loan for loan in paged.loans(open_only=False)}
    assert (loans["L1"]["renewals"], loans["L1"]["due"]) == (2, "2026-11-09")
    assert (loans["L4"]["renewals"], loans["L4"]["due"]) == (0, "2026-12-01")


def test_a_rebuild_closes_each_loan_with_its_earliest_return_named_or_not(tmp_path):
    """A loan is closed by the earlier of the earliest return naming it and the first return of its
    tool naming none after it opened, whichever arrived first."""
    timed = [(("open", "L1", "M1", None), 1), (("return", "T1", None, "ok", (None, [])), 5),
             (("return", "T1", "L1", "ok", (None, [])), 9),   # L1: the return naming no loan came first
             (("open", "L4", "M2", None), 1), (("return", "T2", "L4", "ok", (None, [])), 3),
             (("return", "T2", None, "ok", (None, [])), 7),   # L4: the return naming it came first,
             (("return", "T2", None, "ok", (None, [])), 0),   # and one before it was lent closes nothing of it
             (("open", "L5", "M1", None), 1), (("return", "T3", "L5", "ok", (None, [])), 8),
             (("return", "T3", "L5", "repair", (None, [])), 4)]   # L5: named twice, the earlier arriving last
    events = [_event(kind, DEVICES[n % 3], n + 1, (1 << 40) + hlc) for n, (kind, hlc) in enumerate(timed)]
    single, bulk = _two_copies(tmp_path)
    for ledger in (single, bulk):
        ledger.apply_sync(SyncBatch(acks={}, events=events, meta={}))
    single.rebuild(one_by_one=True)
    bulk.rebuild()
    assert bulk.projection_snapshot() == single.projection_snapshot()
    closed = {loan["id"]: loan["closed_hlc"] - (1 << 40) for loan in bulk.loans(open_only=False)}
    assert closed == {"L1": 5, "L4": 3, "L5": 4}
    assert bulk.loan("L5")["return_condition"] == "repair"


def test_the_collector_is_held_off_only_while_a_batch_is_applied():
    assert gc.isenabled()
    with bulk_apply.collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), bulk_apply.collector_paused():
        raise RuntimeError("a batch refused half way")
    assert gc.isenabled()
    gc.disable()  # whoever turned it off before keeps it off
    try:
        with bulk_apply.collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
