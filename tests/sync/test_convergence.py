"""Property: whatever the kiosks do while partitioned, and however the network misbehaves,
after healing every kiosk of a library agrees (waiting lists included), every catalog copy
agrees, the server holds each event exactly once, and no library's members reach another library.
A kiosk whose clock runs far ahead (days, decades, or to the latest time a stamp can hold) takes
part too: the server refuses what it stamped ahead, and no honest kiosk's date or clock moves.
A device that lies about its id (at enrollment, and in the events it pushes) changes none of that.

Runs TOOLKIOSK_SYNC_EXAMPLES cases (default 200). The long run:
    TOOLKIOSK_SYNC_EXAMPLES=5000 .venv/bin/python -m pytest tests/sync/test_convergence.py -q
"""

from __future__ import annotations

import dataclasses
import gzip
import itertools
import json
import os
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.ledger import InvalidInput, NotFound, Refused, clock
from sync.client import Offline, SyncClient, quarantined
from sync.server import open_storage
from tests.sync.helpers import FaultyTransport, ServerThread, new_kiosk
from tests.sync.hostile import Liar

EXAMPLES = int(os.environ.get("TOOLKIOSK_SYNC_EXAMPLES", "200"))
DAY_MS = 86_400_000
FAULTS = [None, None, None, "lost_request", "lost_answer", "duplicated", "late_delivery"]
CLOCKS = [0, 0, 0, DAY_MS, -DAY_MS]   # offsets from the real clock
# the clock of one more kiosk, far ahead: None for none; "latest" for the latest time a stamp can hold
FAR_AHEAD = [None, 2 * DAY_MS + 3_600_000, 70 * 365 * DAY_MS, "latest"]

_counter = itertools.count()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    store = open_storage(tmp_path_factory.mktemp("server"))
    with ServerThread(store) as running:
        yield running
    store.close()


kiosk_layouts = st.lists(st.tuples(st.integers(0, 2), st.sampled_from(CLOCKS)), min_size=2, max_size=6)
operation = st.one_of(
    st.tuples(st.just("add_tool"), st.integers(0, 5), st.integers(0, 3)),
    st.tuples(st.just("edit_tool"), st.integers(0, 5), st.integers(0, 3), st.sampled_from(["A", "B", "C"])),
    st.tuples(st.just("tool_status"), st.integers(0, 5), st.integers(0, 3),
              st.sampled_from(["available", "in_repair"])),
    st.tuples(st.just("add_member"), st.integers(0, 5), st.integers(0, 2)),
    st.tuples(st.just("checkout"), st.integers(0, 5), st.integers(0, 2), st.integers(0, 3)),
    st.tuples(st.just("double_checkout"), st.integers(0, 5), st.integers(0, 3)),
    st.tuples(st.just("checkin"), st.integers(0, 5), st.integers(0, 3), st.sampled_from(["ok", "ok", "repair"])),
    st.tuples(st.just("renew"), st.integers(0, 5), st.integers(0, 3)),
    st.tuples(st.just("resolve"), st.integers(0, 5)),
    st.tuples(st.just("hold"), st.integers(0, 5), st.integers(0, 2), st.integers(0, 3), st.booleans()),
    st.tuples(st.just("cancel_hold"), st.integers(0, 5), st.integers(0, 3)),
    st.tuples(st.just("hold_shelf"), st.integers(0, 5)),
    st.tuples(st.just("sync"), st.integers(0, 5), st.sampled_from(FAULTS)),
    st.tuples(st.just("sync"), st.integers(0, 5), st.sampled_from(FAULTS)),
    st.tuples(st.just("lie"), st.integers(0, 5), st.sampled_from(["kiosk", "server"]), st.booleans(), st.booleans()),
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(layout=kiosk_layouts, ops=st.lists(operation, max_size=40), ship_unknown=st.booleans(),
       far_ahead=st.sampled_from(FAR_AHEAD), liar_home=st.integers(0, 2))
def test_kiosks_converge_without_loss_duplication_or_leaks(shared_server, tmp_path_factory, layout, ops, ship_unknown,
                                                           far_ahead, liar_home):
    run = next(_counter)
    slugs = [f"m{run}", f"o{run}", f"e{run}"]       # m and o are partners, e stands alone
    storage = shared_server.storage
    for slug in slugs:
        storage.add_library(slug, slug.upper())
    storage.add_partners(slugs[0], slugs[1])
    if not any(lib == 0 for lib, _ in layout):
        layout = [(0, 0), *layout]
    home = tmp_path_factory.mktemp(f"run{run}")
    kiosks, transports = [], []
    for i, (lib, offset) in enumerate(layout):
        transport = FaultyTransport()
        wall = (lambda o: lambda: int(time.time() * 1000) + o)(offset)
        kiosks.append(new_kiosk(home / f"k{i}", storage, shared_server.url, slugs[lib], transport=transport,
                                wall=wall))
        transports.append(transport)
    if far_ahead is not None:  # the last kiosk, in the first library: never the one that stocks it
        wall = (lambda o: lambda: clock.LATEST_MS if o == "latest" else int(time.time() * 1000) + o)(far_ahead)
        transports.append(FaultyTransport())
        kiosks.append(new_kiosk(home / "ahead", storage, shared_server.url, slugs[0], transport=transports[-1],
                                wall=wall))
    try:
        # a device of one library enrolls asking for an honest kiosk's id: it gets one of its own
        liar = Liar.enroll(shared_server.url, storage, slugs[liar_home], asking_for=kiosks[-1].device["id"])
        assert liar.device not in {k.device["id"] for k in kiosks}
        if ship_unknown:  # a newer kiosk's event type: stored and passed on, never applied
            _write_unknown_event(kiosks[0])
        _stock(kiosks, transports)
        for op in ops:
            _perform(op, kiosks, transports, slugs, liar)
        _heal(kiosks, transports)
        _check(kiosks, transports, storage, slugs, layout, ahead=kiosks[-1] if far_ahead is not None else None)
    finally:
        for ledger in kiosks:
            ledger.close()


def _perform(op, kiosks, transports, slugs, liar=None) -> None:
    kind, k = op[0], op[1] % len(kiosks)
    ledger = kiosks[k]
    lib = ledger.library["slug"]
    tool = lambda j: f"{lib.upper()}-T{j}"  # noqa: E731
    member = lambda j: f"{lib.upper()}-M{j}"  # noqa: E731
    try:
        if kind == "add_tool":
            ledger.add_tool(tool(op[2]), f"Tool {op[2]} of {lib}", category="Hand tools")
        elif kind == "edit_tool":
            ledger.edit_tool(tool(op[2]), name=f"Tool {op[2]} {op[3]}", shelf=op[3])
        elif kind == "tool_status":
            ledger.set_tool_status(tool(op[2]), op[3])
        elif kind == "add_member":
            ledger.add_member(member(op[2]), f"Person {op[2]} from {lib}", expires="2099-01-01", phone=f"555-{lib}-{op[2]}")
            ledger.accept_waiver(member(op[2]))
        elif kind == "checkout":
            ledger.checkout(member(op[2]), [tool(op[3])])
        elif kind == "double_checkout":  # the same tool out at two kiosks of one library that cannot see each other
            others = [o for o in kiosks if o is not ledger and o.library["slug"] == lib]
            if others:
                _perform(("checkout", k, 0, op[2]), kiosks, transports, slugs)
                _perform(("checkout", kiosks.index(others[0]), 1, op[2]), kiosks, transports, slugs)
        elif kind == "checkin":
            ledger.checkin(tool(op[2]), op[3])
        elif kind == "renew":
            ledger.renew(tool(op[2]))
        elif kind == "resolve":
            open_ = ledger.conflicts()
            if open_:
                ledger.resolve_conflict(open_[0]["id"], "talked to both borrowers")
        elif kind == "hold":
            ledger.place_hold(member(op[2]), tool(op[3]), any_copy=op[4])
        elif kind == "cancel_hold":
            current = ledger.holds(current_only=True)
            if current:
                ledger.cancel_hold(current[op[2] % len(current)]["id"], "no longer needed")
        elif kind == "hold_shelf":  # a volunteer sets aside what waiting members should have
            for item in ledger.hold_shelf():
                if item["action"] == "set_aside":
                    ledger.set_aside_next(item["tool_code"])
        elif kind == "lie":  # the liar pushes this kiosk's events as its own, or as its library's server's
            claimed = ledger.device["id"] if op[2] == "kiosk" else f"server:{lib}"
            events = ledger.events()[-20:]
            if op[3]:  # numbered from 1, where the server's own events and the kiosk's first ones go
                events = [dataclasses.replace(e, seq=n + 1) for n, e in enumerate(events)]
            answer = liar.push(events, as_device=claimed, readdress=op[4])
            assert answer.status_code == 200, answer.text
            assert not answer.json()["acks"] and len(answer.json().get("rejected", [])) == len(events)
        elif kind == "sync":
            transports[k].fault = op[2]
            try:
                SyncClient(ledger, transport=transports[k], batch=7, page=9).sync()
            except Offline:
                pass
    except (InvalidInput, NotFound, Refused):
        pass  # the kiosk said no, as it would at the counter


def _stock(kiosks, transports) -> None:
    """A connected start: each library's first kiosk adds some tools and members, and everyone syncs."""
    stocked = set()
    for k, ledger in enumerate(kiosks):
        if ledger.library["slug"] not in stocked:
            stocked.add(ledger.library["slug"])
            for j in range(3):
                _perform(("add_tool", k, j), kiosks, transports, [])
            for j in range(2):
                _perform(("add_member", k, j), kiosks, transports, [])
    _heal(kiosks, transports)


def _write_unknown_event(ledger) -> None:
    """Stands in for a newer kiosk's event: written straight into the log, as that kiosk would."""
    from kiosk.ledger.ids import uuid7

    with ledger._lock:  # the ledger has no API to author a type it does not know
        seq = int(ledger.meta("next_seq"))
        ledger._conn.execute("BEGIN IMMEDIATE")
        ledger._conn.execute(
            """INSERT INTO events (id, library, device, device_seq, hlc, type, version, entity, payload, applied)
               VALUES (?, ?, ?, ?, ?, 'gadget.calibrated', 1, 'gadget:1', '{"dial":3}', 0)""",
            (uuid7(), ledger.library["slug"], ledger.device["id"], seq, int(ledger.meta("hlc")) + 1))
        ledger._conn.execute("UPDATE meta SET value = ? WHERE key = 'next_seq'", (str(seq + 1),))
        ledger._conn.execute("COMMIT")


def _heal(kiosks, transports) -> None:
    for _ in range(3):
        for ledger, transport in zip(kiosks, transports):
            transport.fault = None
            SyncClient(ledger, transport=transport, batch=7, page=9).sync()


def _check(kiosks, transports, storage, slugs, layout, ahead=None) -> None:
    by_library: dict[str, list] = {}
    refused: set[str] = set()
    for ledger in kiosks:
        if ledger is ahead:  # what it stamped ahead is refused and stays here; all else got through
            refused = set(quarantined(ledger))
            assert refused and {q["reason"] for q in quarantined(ledger).values()} == {"clock_ahead"}
            assert ledger.outbox_size() == len(refused)
            continue
        by_library.setdefault(ledger.library["slug"], []).append(ledger)
        assert ledger.outbox_size() == 0, "an outbox did not drain"
        assert quarantined(ledger) == {}, "a good event was refused"
    _check_dates([k for k in kiosks if k is not ahead], ahead)

    # every kiosk of a library has the same projections, and the same waiting lists
    for lib, members in by_library.items():
        first = members[0].projection_snapshot()
        queues = _queues(members[0])
        for other in members[1:]:
            assert other.projection_snapshot() == first, f"kiosks of {lib} diverged"
            assert _queues(other) == queues, f"the waiting lists of {lib} diverged"

    # the server holds each event exactly once, and exactly the kiosks' events (plus its conflicts)
    honest = {ledger.device["id"] for ledger in kiosks}
    for lib in slugs:
        served = [e for _, e in storage.events(lib, limit=100_000)]
        assert {e.device for e in served} <= honest | {f"server:{lib}"}, "a lie was stored"
        ids = [e.id for e in served]
        assert len(ids) == len(set(ids))
        authored = {e.id for e in served if not e.device.startswith("server:")}
        writers = by_library.get(lib, []) + ([ahead] if ahead is not None and ahead.library["slug"] == lib else [])
        written = {e.id for k in writers for e in k.events()
                   if e.library == lib and not e.device.startswith("server:")} - refused
        assert authored == written
        for ledger in by_library.get(lib, []):
            assert {e.id for e in ledger.events() if e.library == lib} == set(ids)
        if ahead is not None and ahead.library["slug"] == lib:
            assert {e.id for e in ahead.events() if e.library == lib} == set(ids) | refused

    # every catalog copy is the same, and partners see the true availability
    catalog = {lib: _catalog(members[0], lib) for lib, members in by_library.items()}
    truth = {lib: {t["code"]: (t["status"], _due_back(members[0], t["code"]), t["waiting"])
                   for t in members[0].list_tools()}
             for lib, members in by_library.items()}
    for ledger in kiosks:
        own = ledger.library["slug"]
        visible = {own, slugs[1]} if own == slugs[0] else {own, slugs[0]} if own == slugs[1] else {own}
        for lib in visible & set(catalog):
            assert _catalog(ledger, lib) == catalog[lib], f"{own}'s copy of {lib}'s catalog differs"
        for tool in ledger.list_tools(all_libraries=True):
            if tool["library"] != own:
                assert tool["library"] in visible
                assert (tool["status"], tool["due_back"], tool["waiting"]) == truth[tool["library"]][tool["code"]]
        # no member data of another library, anywhere in the kiosk's file
        dump = "\n".join(ledger._conn.iterdump())
        for lib in slugs:
            if lib != own:
                assert f"{lib.upper()}-M" not in dump and f"from {lib}" not in dump
        # nor in anything the server sent it
        for body in transports[kiosks.index(ledger)].answers:
            text = gzip.decompress(body).decode() if body[:2] == b"\x1f\x8b" else body.decode(errors="replace")
            for lib in slugs:
                if lib != own:
                    assert f"{lib.upper()}-M" not in text and f"555-{lib}" not in text


def _check_dates(honest, ahead) -> None:
    """No honest kiosk's date or clock moved, nor any date its rules wrote; the kiosk that ran
    ahead dates by the server's clock once it has heard it."""
    days = {date.today(), date.today() - timedelta(days=1)}   # a run may cross midnight
    for ledger in honest + ([ahead] if ahead is not None else []):
        assert ledger.today() in days, "a kiosk's date moved"
    for ledger in honest:
        assert clock.physical_ms(int(ledger.meta("hlc"))) <= clock.wall_ms() + DAY_MS, "a kiosk's clock was pushed"
        for loan in ledger.loans(open_only=False):
            opened, due = date.fromisoformat(loan["opened_at"]), date.fromisoformat(loan["due"])
            assert opened <= date.today() + timedelta(days=1) and due <= opened + timedelta(days=120), \
                f"a loan dated {opened}, due {due}"


# "on_loan" comes from the library's own loans: partners learn it through availability instead.
LIBRARY_SET_COLUMNS = {"status"}


def _catalog(ledger, library: str) -> list[tuple]:
    rows = ledger._conn.execute("SELECT * FROM tools WHERE library = ? ORDER BY code", (library,)).fetchall()
    return [tuple(v for k, v in zip(r.keys(), r) if k not in LIBRARY_SET_COLUMNS) for r in rows]


def _queues(ledger) -> list[tuple]:
    return [(h["id"], h["tool_code"], h["member_code"], h["position"], h["status"]) for h in ledger.holds()]


def _due_back(ledger, code: str) -> str | None:
    dues = [loan["due"] for loan in ledger.loans(tool_code=code)]
    return min(dues) if dues else None
