"""Property: the projections are a function of the set of events, not of their order.

Random operations run on several kiosks of one library that exchange events at
random moments (so double checkouts, returns of loans not yet seen, concurrent
edits, holds set aside twice or lent while set aside happen). Afterwards every kiosk, a fresh replica fed the
events in a random arrival order, and a rebuild from the log all agree.
"""

from __future__ import annotations

import os
import random
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from kiosk.ledger import Ledger, LedgerError, SyncBatch

TOOLS = ["T1", "T2", "T3"]
MEMBERS = ["M1", "M2", "M3"]
START = date(2026, 11, 2)

operation = st.one_of(
    st.tuples(st.just("checkout"), st.integers(0, 2), st.sampled_from(MEMBERS), st.sampled_from(TOOLS)),
    st.tuples(st.just("checkin"), st.integers(0, 2), st.sampled_from(["ok", "repair", "missing-parts"]), st.sampled_from(TOOLS)),
    st.tuples(st.just("renew"), st.integers(0, 2), st.none(), st.sampled_from(TOOLS)),
    st.tuples(st.just("edit"), st.integers(0, 2), st.sampled_from(["Drill", "Saw", "Ladder"]), st.sampled_from(TOOLS)),
    st.tuples(st.just("status"), st.integers(0, 2), st.sampled_from(["available", "in_repair"]), st.sampled_from(TOOLS)),
    st.tuples(st.just("sync"), st.integers(0, 2), st.integers(0, 2), st.none()),
    st.tuples(st.just("resolve"), st.integers(0, 2), st.none(), st.none()),
    st.tuples(st.just("inventory"), st.integers(0, 2), st.sampled_from(["seen", "seen", "finish", "discard"]),
              st.sampled_from(TOOLS)),
    st.tuples(st.just("language"), st.integers(0, 2), st.sampled_from(["en", "es"]), st.sampled_from(MEMBERS)),
    st.tuples(st.just("hold"), st.integers(0, 2), st.sampled_from(MEMBERS), st.sampled_from(TOOLS), st.booleans()),
    st.tuples(st.just("cancel"), st.integers(0, 2), st.integers(0, 3), st.none()),
    st.tuples(st.just("shelf"), st.integers(0, 2), st.none(), st.none()),
    st.tuples(st.just("reorder"), st.integers(0, 2), st.integers(1, 3), st.none()),
    st.tuples(st.just("repair"), st.integers(0, 2), st.sampled_from(["waiting_parts", "fixed", "cannot_fix", None]),
              st.sampled_from(TOOLS)),
)


def _exchange(source: Ledger, target: Ledger) -> None:
    target.apply_sync(SyncBatch(acks={}, events=source.events(), meta={}))


def _run(ledger: Ledger, op: tuple, day: date) -> None:
    kind, _, arg, tool = op[:4]
    try:
        if kind == "checkout":
            ledger.checkout(arg, [tool], today=day)
        elif kind == "checkin":
            ledger.checkin(tool, arg, today=day)
        elif kind == "renew":
            ledger.renew(tool, today=day)
        elif kind == "edit":
            ledger.edit_tool(tool, name=arg)
        elif kind == "status":
            ledger.set_tool_status(tool, arg)
        elif kind == "resolve" and ledger.conflicts():
            ledger.resolve_conflict(ledger.conflicts()[0]["id"], "settled")
        elif kind == "inventory":  # kiosks that have not synced each start a check of their own
            check = ledger.start_inventory()
            if arg == "seen":
                ledger.inventory_seen(check["id"], tool)
            else:
                ledger.end_inventory(check["id"], discard=arg == "discard")
        elif kind == "language":
            ledger.edit_member(tool, language=arg)
        elif kind == "hold":
            ledger.place_hold(arg, tool, any_copy=op[4], today=day)
        elif kind == "cancel":
            current = ledger.holds(current_only=True, today=day)
            if current:
                ledger.cancel_hold(current[arg % len(current)]["id"], today=day)
        elif kind == "shelf":  # a volunteer works through the hold shelf
            for item in ledger.hold_shelf(day):
                if item["action"] == "set_aside":
                    ledger.set_aside_next(item["tool_code"], today=day)
                elif item["action"] in ("next", "put_back"):
                    ledger.expire_hold(item["hold_id"], today=day)
        elif kind == "reorder":
            waiting = [h for h in ledger.holds(current_only=True, today=day) if h["status"] == "waiting"]
            if waiting:
                ledger.reorder_hold(waiting[-1]["id"], arg, "phoned in earlier")
        elif kind == "repair":  # a volunteer opens a ticket, or works on the one open
            ticket = ledger.repair_for_tool(tool)
            if ticket is None:
                ledger.open_repair(tool, "Wobbles", today=day)
            else:
                ledger.update_repair(ticket["id"], status=arg, note="looked at it", today=day)
    except LedgerError:
        pass  # a refusal is an outcome too: nothing written


@settings(max_examples=int(os.environ.get("LEDGER_EXAMPLES", "100")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operation, min_size=1, max_size=25), arrival_seed=st.integers(0, 2**32 - 1))
def test_every_replica_and_every_arrival_order_gives_the_same_tables(tmp_path_factory, ops, arrival_seed):
    root: Path = tmp_path_factory.mktemp("replicas")
    kiosks = [Ledger.create(root / f"k{i}", library="maple", name="Maple") for i in range(3)]
    observer = Ledger.create(root / "observer", library="maple", name="Maple")
    first = kiosks[0]
    for code in TOOLS:
        first.add_tool(code, f"Tool {code}")
    for code in MEMBERS:
        first.add_member(code, f"Member {code}", expires="2030-01-01")
        first.accept_waiver(code)
    for kiosk in kiosks[1:]:
        _exchange(first, kiosk)

    for step, op in enumerate(ops):
        day = START + timedelta(days=step)
        if op[0] == "sync":
            _exchange(kiosks[op[1]], kiosks[op[2]])
        else:
            _run(kiosks[op[1]], op, day)

    everyone = kiosks + [observer]
    for source in everyone:
        for target in everyone:
            if source is not target:
                _exchange(source, target)
    # the observer takes all events once more, one at a time, in a random order
    shuffled = root / "shuffled"
    replica = Ledger.create(shuffled, library="maple", name="Maple")
    events = [e for k in everyone for e in k.events()]
    random.Random(arrival_seed).shuffle(events)
    for event in events:
        replica.apply_sync(SyncBatch(acks={}, events=[event], meta={}))
    for kiosk in everyone:
        _exchange(replica, kiosk)
    for kiosk in everyone:
        _exchange(kiosk, replica)

    reference = kiosks[0].projection_snapshot()
    for ledger in everyone + [replica]:
        assert ledger.projection_snapshot() == reference
    kiosks[1].rebuild()
    assert kiosks[1].projection_snapshot() == reference
    for ledger in everyone + [replica]:
        ledger.close()
