"""Sync figures: an idle sync, catching up, server ingest (and as loan history grows), 200 kiosks at
once with one and two server workers, bytes per event.

    python -m tests.benchmarks sync           (or: python -m tests.benchmarks.bench_sync)
    TOOLKIOSK_BENCH_PG=postgresql://postgres@127.0.0.1:5432/test   PostgreSQL for the ingest figures
    BENCH_SCALE=0.1                           smaller data sets and fewer kiosks, to see that it runs

Each figure stands beside a naive baseline measured in the same run.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator

from kiosk.ledger import Event, Ledger, bulk_apply, projections
from kiosk.ledger.ids import uuid7
from sync import protocol
from sync.client import PAGE, RequestsTransport, SyncClient, enroll
from sync.protocol import SyncRequest
from sync.server import open_storage
from sync.server.answer import answer_body
from sync.server.app import _round
from sync.server.sqlstore.derived import LOAN_COLUMNS
from tests.sync.helpers import PG_BASE_URL, SERVER_BIN, ServerThread, free_port, pg_reachable, start_server_process
from tests.sync.test_catch_up import busy_library_events

PG = os.environ.get("TOOLKIOSK_BENCH_PG", PG_BASE_URL)
SCALE = float(os.environ.get("BENCH_SCALE", "1"))


def run() -> list[dict[str, str]]:
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        root = Path(tmp)
        return [*idle_sync(root / "idle"), *catch_up(root / "catch", _scaled(100_000)),
                *ingest(root / "ingest", _scaled(50_000)), *ingest_with_history(root / "history"),
                *many_kiosks(root / "many", _scaled(200)), bytes_per_event(root / "bytes")]


def _scaled(n: int) -> int:
    return max(10, int(n * SCALE))


# -- an idle sync ---------------------------------------------------------------------------

def idle_sync(root: Path) -> list[dict[str, str]]:
    storage = open_storage(root / "server")
    storage.add_library("maple", "Maple")
    storage.add_library("oak", "Oak")
    storage.add_partners("maple", "oak")
    rows = []
    with ServerThread(storage) as server:
        ledger = Ledger.create(root / "kiosk", library="maple", name="Maple")
        enroll(ledger, server.url, storage.invite("maple", "bench"))
        ledger.add_tool("T1", "Drill")
        SyncClient(ledger).sync()
        device = storage.authenticate(ledger.meta("sync.token"))
        report = SyncClient(ledger).sync()
        rows.append(_row("idle sync: requests and bytes on the wire",
                         f"{report.requests} request, {report.bytes_up + report.bytes_down} B",
                         "CouchDB replicator: >= 5 requests", "1 request, <= 1 KB"))
        timings = {}
        small, large = 10_000, max(20_000, _scaled(1_000_000))
        for size in (small, large):
            _bulk_fill(storage, "maple", size)
            _bulk_fill(storage, "oak", size // 10)
            timings[size] = _idle_server_ms(storage, device, ledger)
        rows.append(_row(f"idle sync: server time (token, ingest, pull, encode), {large:,} events stored",
                         f"{timings[large]:.2f} ms", f"{timings[small]:.2f} ms with {small:,} stored",
                         "<= 5 ms, no slower than with 10k"))
        ledger.close()
    storage.close()
    return rows


def _bulk_fill(storage, library: str, total: int) -> None:
    """Stored events by plain bulk insert (the figure is about reading, not writing)."""
    with storage.db.write() as tx:
        head = tx.one("SELECT head FROM libraries WHERE slug = ?", (library,))["head"]
        payload = json.dumps({"code": "X", "fields": {"name": "Some tool", "shelf": "A3"}})
        rows = [(library, n, str(uuid.uuid4()), f"BULK{library}", n, n, "tool.edited", 1, "tool:X", payload, 1, 0)
                for n in range(head + 1, total + 1)]
        tx.many("""INSERT INTO events (library, lseq, id, device, device_seq, hlc, type, version, entity, payload,
                   catalog, received_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows)
        tx.run("UPDATE libraries SET head = ? WHERE slug = ?", (max(total, head), library))


def _idle_server_ms(storage, device, ledger) -> float:
    heads = {lib["slug"]: lib["events"] for lib in storage.libraries()}
    req = SyncRequest(protocol.PROTOCOL, "maple", device.id, [], heads)
    body = protocol.encode(req.to_json())
    samples = []
    for _ in range(300):
        started = time.perf_counter()
        parsed = protocol.parse_sync_request(protocol.decode(body, "gzip"))
        storage.authenticate(ledger.meta("sync.token"))
        answer_body(*_round(storage, device, parsed, lambda: 0), compress=True)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


# -- catching up ------------------------------------------------------------------------------

def catch_up(root: Path, total: int = 100_000) -> list[dict[str, str]]:
    """The server in its own process, as on its own machine: the kiosk never shares its GIL."""
    storage = open_storage(root / "server")
    storage.add_library("maple", "Maple")
    storage.add_library("elm", "Elm")
    device = _device(storage, "maple", "busy")
    events = busy_library_events(device.id, "maple", total, 1 << 40)
    for i in range(0, total, 1000):
        storage.ingest(device, [e.to_wire() for e in events[i:i + 1000]])
    lender = _device(storage, "elm", "lender")
    heavy = loan_heavy_events(lender.id, "elm", total, 1 << 40)
    for i in range(0, total, 1000):
        storage.ingest(lender, [e.to_wire() for e in heavy[i:i + 1000]])
    invites = {name: ("maple", storage.invite("maple", name)) for name in ("paged", "small pages")}
    invites.update({name: ("elm", storage.invite("elm", name)) for name in ("bulk", "one by one")})
    storage.close()
    port = free_port()
    proc = start_server_process(root / "server", port)
    runs = {}
    try:
        # the client's own pages (1,000 events, doubling up to 5,000 while full) against fixed pages of 100
        for page, name in ((None, "paged"), (100, "small pages"), (None, "bulk"), (None, "one by one")):
            with _event_by_event() if name == "one by one" else contextlib.nullcontext():
                runs[name] = _catch_up_once(root / name, f"http://127.0.0.1:{port}", *invites[name], page)
    finally:
        proc.kill()
        proc.wait()
    paged, small, bulk, single = runs["paged"], runs["small pages"], runs["bulk"], runs["one by one"]
    window = min(10_000, total // 10)
    first, last = _per_event_us(bulk.applies, window, first=True), _per_event_us(bulk.applies, window, first=False)
    first_1, last_1 = _per_event_us(single.applies, window, first=True), _per_event_us(single.applies, window, first=False)
    pages = _client_pages(heavy)
    rows, reading = _rows_only(root / "floor", pages), _reading_only(pages)
    return [
        _row(f"catch-up of {total // 1000}k events (loopback HTTP, server in its own process, applied on the kiosk)",
             f"{paged.seconds:.1f} s, {paged.requests} requests, {paged.applying:.1f} s of it in Ledger.apply_sync",
             f"{small.seconds:.1f} s in pages of 100 ({small.requests} requests)", "<= 10 s"),
        _row(f"catch-up of {total // 1000}k loan-heavy events (500 tools lent ~{total // 1000} times each), bulk apply",
             f"{bulk.seconds:.1f} s, {bulk.applying:.1f} s of it in Ledger.apply_sync",
             f"{single.seconds:.1f} s event by event ({single.applying:.1f} s applying; "
             f"{single.seconds / bulk.seconds:.1f}x)", "<= 3 s for 100k"),
        _row(f"  apply cost per event, first {window // 1000}k -> last {window // 1000}k of that catch-up, bulk",
             f"{first:.0f} -> {last:.0f} us ({last / first:.2f}x)",
             f"{first_1:.0f} -> {last_1:.0f} us ({last_1 / first_1:.2f}x) event by event", "last within 1.2x of first"),
        _row(f"  the same {total // 1000}k events written in the same pages, no rule worked out (in process)",
             f"{rows:.1f} s", "the floor any apply of them stands on", "-"),
        _row(f"  the same {total // 1000}k events' answers read and checked, nothing written (in process)",
             f"{reading:.1f} s", f"with the rows: {rows + reading:.1f} s before any rule or any wait on the network",
             "-"),
    ]


def _client_pages(events: list[Event]) -> list[list[Event]]:
    """Events split as the client asks for them: PAGE at first, twice as many after each full page."""
    pages, start, size = [], 0, PAGE
    while start < len(events):
        pages.append(events[start:start + size])
        start, size = start + size, min(size * 2, protocol.MAX_PAGE)
    return pages


def _rows_only(home: Path, pages: list[list[Event]]) -> float:
    """Seconds to write the events, and their loans and returns as opened, in the client's page sizes:
    what applying them costs once they are read (``_reading_only``), before any rule (closing returns,
    conflicts, status) is worked out."""
    kiosk = Ledger.create(home, library=pages[0][0].library, name="Kiosk")
    started = time.perf_counter()
    for page in pages:
        with bulk_apply.collector_paused(), kiosk.batch():  # as the client applies a page
            bulk_apply.insert_events(kiosk._conn, page)
            kiosk._conn.executemany(
                """INSERT INTO loans (id, library, tool_code, member_code, opened_hlc, opened_device, opened_seq,
                       opened_at, due) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [(e.payload["loan_id"], e.library, e.payload["tool"], e.payload["member"], e.hlc, e.device, e.seq,
                  e.payload["at"], e.payload["due"]) for e in page if e.type == "loan.opened"])
            kiosk._conn.executemany(
                """INSERT INTO returns (event_id, library, tool_code, loan_id, hlc, device, seq, at, condition)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [(e.id, e.library, e.payload["tool"], e.payload.get("loan_id"), e.hlc, e.device, e.seq,
                  e.payload["at"], e.payload["condition"]) for e in page if e.type == "loan.returned"])
    seconds = time.perf_counter() - started
    kiosk.close()
    return seconds


def _reading_only(pages: list[list[Event]]) -> float:
    """Seconds the kiosk spends reading the server's answers holding these pages, as the client reads
    one (gunzip, the body's bounds, JSON, every event checked), writing nothing."""
    bodies = [protocol.encode(protocol.SyncResponse(1 << 40, {}, [], page, {"elm": n}, True).to_json())
              for n, page in enumerate(pages)]
    started = time.perf_counter()
    for body in bodies:
        with bulk_apply.collector_paused():
            protocol.parse_sync_response(protocol.decode(body, "gzip", protocol.ANSWER_BOUNDS))
    return time.perf_counter() - started


def loan_heavy_events(device: str, library: str, count: int, start_hlc: int, tools: int = 500) -> list[Event]:
    """A library's busy season: its tools and members, then loans and returns going round the
    same tools (so each tool's history grows), some renewed, a third of the returns naming no loan.
    Each round of the tools takes a day, as the loans' dates say: the impact report's index is kept
    by date, and a season of loans all dated one day would spread its writes as an index by tool does."""
    events: list[Event] = []

    def add(type_: str, entity: str, payload: dict) -> None:
        seq = len(events) + 1
        events.append(Event(uuid7(), library, device, seq, start_hlc + seq, type_, 1, entity, payload))

    for t in range(tools):
        add("tool.added", f"tool:HEAVY-T{t}", {"code": f"HEAVY-T{t}", "fields": {"name": f"Tool {t}", "category": "Garden"}})
        add("member.added", f"member:HEAVY-M{t}", {"code": f"HEAVY-M{t}", "fields": {"name": f"Member {t}",
                                                                                     "expires": "2099-01-01"}})
    out: dict[str, str] = {}
    turn = 0
    while len(events) < count:
        tool, day = f"HEAVY-T{turn % tools}", SEASON_START + timedelta(days=turn // tools)
        if tool in out:
            loan = out.pop(tool)
            if turn % 7 == 0:
                add("loan.renewed", f"loan:{loan}", {"loan_id": loan, "due": (day + timedelta(days=14)).isoformat()})
            add("loan.returned", f"tool:{tool}", {"tool": tool, "loan_id": loan if turn % 3 else None, "condition": "ok",
                                                  "note": None, "missing_parts": [], "at": day.isoformat()})
        else:
            loan = uuid7()
            add("loan.opened", f"loan:{loan}", {"loan_id": loan, "tool": tool, "member": f"HEAVY-M{turn % tools}",
                                                "due": (day + timedelta(days=7)).isoformat(), "at": day.isoformat()})
            out[tool] = loan
        turn += 1
    return events[:count]


SEASON_START = date(2026, 3, 2)


@dataclass
class _CatchUp:
    seconds: float
    requests: int
    applying: float
    applies: list[tuple[int, float]]  # events and seconds of each Ledger.apply_sync call, in order


def _catch_up_once(home: Path, url: str, library: str, code: str, page: int | None) -> _CatchUp:
    kiosk = Ledger.create(home, library=library, name="Kiosk")
    enroll(kiosk, url, code)
    applies: list[tuple[int, float]] = []
    method = kiosk.apply_sync

    def timed(batch):
        started = time.perf_counter()
        try:
            return method(batch)
        finally:
            applies.append((len(batch.events), time.perf_counter() - started))

    kiosk.apply_sync = timed
    started = time.perf_counter()
    report = SyncClient(kiosk, page=page).sync()
    seconds = time.perf_counter() - started
    kiosk.close()
    return _CatchUp(seconds, report.requests, sum(s for _, s in applies), applies)


def _per_event_us(applies: list[tuple[int, float]], window: int, *, first: bool) -> float:
    """Microseconds per event over the first (or last) ``window`` events applied."""
    events = seconds = 0.0
    for count, spent in applies if first else reversed(applies):
        if count:
            events, seconds = events + count, seconds + spent
        if events >= window:
            break
    return seconds / max(events, 1) * 1e6


@contextlib.contextmanager
def _event_by_event() -> Iterator[None]:
    """The baseline: every event's recomputations right after it, as a single write does."""
    original = bulk_apply.apply_all
    bulk_apply.apply_all = lambda conn, events: [projections.apply(conn, event) for event in events]
    try:
        yield
    finally:
        bulk_apply.apply_all = original


# -- server ingest --------------------------------------------------------------------------

def ingest(root: Path, total: int = 50_000) -> list[dict[str, str]]:
    rows = []
    targets = [("SQLite", root / "sqlite", None)]
    if pg_reachable():
        targets.append(("PostgreSQL", f"{PG}?schema=bench_{uuid.uuid4().hex[:8]}", True))
    for name, target, is_pg in targets:
        storage = open_storage(target)
        try:
            storage.add_library("maple", "Maple")
            device = _device(storage, "maple", "ingest")
            events = [e.to_wire() for e in busy_library_events(device.id, "maple", total, 1 << 40)]
            started = time.perf_counter()
            for i in range(0, len(events), 500):
                result = storage.ingest(device, events[i:i + 500])
                assert not result.rejected
            batched = total / (time.perf_counter() - started)
            one_by_one = min(1000, total)
            started = time.perf_counter()
            device2 = _device(storage, "maple", "naive")
            naive = [e.to_wire() for e in busy_library_events(device2.id, "maple", one_by_one, 1 << 41)]
            for event in naive:
                storage.ingest(device2, [event])
            single = one_by_one / (time.perf_counter() - started)
            rows.append(_row(f"server ingest on {name} (batches of 500, loans, returns, tools, members)",
                             f"{batched:,.0f} events/s", f"{single:,.0f} events/s one per request",
                             ">= 20k events/s on PostgreSQL"))
        finally:
            if is_pg:
                with storage.db.write() as tx:
                    tx.run(f"DROP SCHEMA {target.rsplit('=', 1)[1]} CASCADE")
            storage.close()
    return rows


# -- server ingest as loan history grows -----------------------------------------------------------

HISTORY_TOOLS = 50


def ingest_with_history(root: Path) -> list[dict[str, str]]:
    """A batch of 500 loan events (checkouts and returns of the same 50 tools) with 1k and with 50k
    returned loans of those tools already stored: the time should not grow with the history."""
    rows = []
    targets = [("SQLite", root / "sqlite", False)]
    if pg_reachable():
        targets.append(("PostgreSQL", f"{PG}?schema=bench_{uuid.uuid4().hex[:8]}", True))
    small, large = 1000, max(2000, _scaled(50_000))
    for name, target, is_pg in targets:
        storage = open_storage(target)
        try:
            storage.add_library("maple", "Maple")
            device = _device(storage, "maple", "counter")
            clock = [1 << 40]
            storage.ingest(device, [_tool_added(device.id, n, clock) for n in range(HISTORY_TOOLS)])
            seq = [HISTORY_TOOLS]
            timings = {}
            for size in (small, large):
                _fill_loan_history(storage, "maple", size, clock)
                samples = []
                for _ in range(5):
                    batch = _loan_batch(device.id, seq, clock)
                    started = time.perf_counter()
                    result = storage.ingest(device, batch)
                    samples.append((time.perf_counter() - started) * 1000)
                    assert not result.rejected and result.stored == len(batch)
                timings[size] = statistics.median(samples)
            rows.append(_row(f"server ingest on {name}: a batch of 500 loan events, {large:,} loans of its tools stored",
                             f"{timings[large]:.1f} ms", f"{timings[small]:.1f} ms with {small:,} stored",
                             "within 1.2x of the baseline"))
        finally:
            if is_pg:
                with storage.db.write() as tx:
                    tx.run(f"DROP SCHEMA {target.rsplit('=', 1)[1]} CASCADE")
            storage.close()
    return rows


def _tool_added(device: str, n: int, clock: list[int]) -> dict:
    clock[0] += 1
    code = f"HIST-T{n}"
    return Event(uuid7(), "maple", device, n + 1, clock[0], "tool.added", 1, f"tool:{code}",
                 {"code": code, "fields": {"name": f"Tool {n}", "category": "Hand tools"}}).to_wire()


def _fill_loan_history(storage, library: str, upto: int, clock: list[int]) -> None:
    """Returned loans of the history tools and their returns, written straight into the server's tables
    (the figure is about what ingest reads, not about writing the history)."""
    with storage.db.write() as tx:
        have = tx.one("SELECT count(*) AS n FROM loans WHERE library = ?", (library,))["n"]
        rows = []
        for n in range(have, upto):
            clock[0] += 2
            rows.append((f"hist-{n}", library, f"HIST-T{n % HISTORY_TOOLS}", f"hist-open-{n}", clock[0] - 1, "OLD", n,
                         "2026-01-01", clock[0] - 1, "OLD", f"hist-ret-{n}", clock[0], "OLD", n, "2026-01-02"))
        tx.insert("loans", LOAN_COLUMNS, rows)
        tx.insert("returns", ("event_id", "library", "tool", "loan_id", "hlc", "device", "seq", "at"),
                  [(r[10], library, r[2], r[0], r[11], "OLD", r[6], r[14]) for r in rows])


def _loan_batch(device: str, seq: list[int], clock: list[int]) -> list[dict]:
    """250 checkouts and their 250 returns, of the history tools in turn."""
    events = []
    for n in range(250):
        tool, loan = f"HIST-T{n % HISTORY_TOOLS}", uuid7()
        for kind, payload in (("loan.opened", {"loan_id": loan, "tool": tool, "member": "M1", "due": "2026-12-01",
                                               "at": "2026-11-20"}),
                              ("loan.returned", {"tool": tool, "loan_id": loan, "condition": "ok", "note": None,
                                                 "missing_parts": [], "at": "2026-11-21"})):
            seq[0] += 1
            clock[0] += 1
            entity = f"loan:{loan}" if kind == "loan.opened" else f"tool:{tool}"
            events.append(Event(uuid7(), "maple", device, seq[0], clock[0], kind, 1, entity, payload).to_wire())
    return events


def _device(storage, library: str, name: str):
    device, _ = storage.enroll(storage.invite(library, name), library, name, device_id=f"DEV{uuid.uuid4().hex[:9].upper()}")
    return device


# -- 200 kiosks at once -------------------------------------------------------------------------

def many_kiosks(root: Path, count: int = 200, events_each: int = 5) -> list[dict[str, str]]:
    """The same burst against one server process and against two workers, each with the CPU floor:
    the time the burst's CPU (server and kiosks) needs at the least on this machine's cores."""
    rows = []
    for workers in (1, 2):
        rows += _burst(root / f"workers-{workers}", count, events_each, workers)
    return rows


def _burst(root: Path, count: int, events_each: int, workers: int) -> list[dict[str, str]]:
    data = root / "server"
    storage = open_storage(data)
    storage.add_library("maple", "Maple")
    kiosks = []
    for n in range(count):
        device_id = f"SIM{n:09d}"
        _, token = storage.enroll(storage.invite("maple", f"sim {n}"), "maple", f"sim {n}", device_id=device_id)
        events = busy_library_events(device_id, "maple", events_each, (1 << 40) + n * 100)
        kiosks.append((device_id, token, [e.to_wire() for e in events]))
    storage.close()
    port = free_port()
    proc = _serve_process(data, port, workers)
    url = f"http://127.0.0.1:{port}"
    try:
        def one(device_id, token, events, latencies):
            body = protocol.encode({"protocol": protocol.PROTOCOL, "library": "maple", "device": device_id,
                                    "events": events, "cursors": {}, "limit": 100})
            started = time.perf_counter()
            reply = RequestsTransport().request("POST", url + protocol.SYNC_PATH, body=body, headers={
                "Authorization": f"Bearer {token}", "Content-Encoding": "gzip", "Accept-Encoding": "gzip"})
            latencies.append((time.perf_counter() - started) * 1000)
            assert reply.status == 200, reply.body

        alone: list[float] = []
        for device_id, token, events in kiosks[:20]:
            one(device_id, token, [], alone)
        latencies: list[float] = []
        gate = threading.Barrier(count)

        def kiosk_thread(args):
            gate.wait()
            one(*args, latencies)

        threads = [threading.Thread(target=kiosk_thread, args=(k,)) for k in kiosks]
        server_cpu, client_cpu = _tree_cpu_seconds(proc.pid), time.process_time()
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        server_cpu, client_cpu = _tree_cpu_seconds(proc.pid) - server_cpu, time.process_time() - client_cpu
    finally:
        proc.terminate()
        proc.wait()
    storage = open_storage(data)
    stored = len(storage.events("maple", limit=1_000_000))
    storage.close()
    latencies.sort()
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    lost = count * events_each - stored
    cores = os.cpu_count() or 1
    floor_s = (server_cpu + client_cpu) / cores   # both sides' CPU spread over every core, no waiting at all
    label = "one server process" if workers == 1 else f"{workers} server workers"
    return [_row(f"{count} simulated kiosks syncing at once ({events_each} events each, loopback, {label})",
                 f"p99 {p99:.0f} ms, p50 {latencies[len(latencies) // 2]:.0f} ms, {count / wall:.0f} rounds/s, "
                 f"{lost} lost",
                 f"CPU floor on {cores} cores: {floor_s * 1000:.0f} ms, {count / floor_s:.0f} rounds/s; "
                 f"one kiosk alone: p50 {statistics.median(alone):.1f} ms", "p99 <= 250 ms, nothing lost"),
            _row(f"  server CPU per {events_each}-event round, in the server's processes alone ({label})",
                 f"{server_cpu * 1000 / count:.2f} ms", f"kiosks' side: {client_cpu * 1000 / count:.2f} ms a round",
                 "<= 2 ms")]


def _serve_process(data: Path, port: int, workers: int) -> subprocess.Popen:
    """`toolkiosk-server serve --workers N`, returned once every worker has started."""
    proc = subprocess.Popen([str(SERVER_BIN), "--data", str(data), "serve", "--port", str(port), "--workers",
                             str(workers), "--log-level", "info"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "TOOLKIOSK_WEB_DATA": str(data / "web")})
    started, listening = 0, False
    for line in proc.stderr:  # uvicorn says when the port is open, and once per worker when it has started
        started += "Application startup complete" in line
        listening = listening or "Uvicorn running on" in line
        if listening and started == workers:
            break
    else:
        raise RuntimeError(f"the server exited before its {workers} workers started")
    threading.Thread(target=proc.stderr.read, daemon=True).start()  # keep the pipe from filling
    return proc


def _tree_cpu_seconds(pid: int) -> float:
    """User and system CPU time a process and its living descendants have used so far (Linux)."""
    total = _cpu_seconds(pid)
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            total += _tree_cpu_seconds(int(child))
    return total


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- bytes per event ------------------------------------------------------------------------------

def bytes_per_event(root: Path) -> dict[str, str]:
    ledger = Ledger.create(root / "kiosk", library="maple", name="Maple")
    ledger.configure(open_weekdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    for j in range(60):
        ledger.add_tool(f"MAPLE-T{j:05d}", f"Cordless drill {j}", category="Power tools > Drills", shelf="B2")
    for j in range(40):
        ledger.add_member(f"MAPLE-M{j:05d}", f"Member {j}", expires="2027-01-01", email=f"m{j}@example.org")
        ledger.accept_waiver(f"MAPLE-M{j:05d}")
    for j in range(40):
        ledger.checkout(f"MAPLE-M{j:05d}", [f"MAPLE-T{j:05d}"])
    for j in range(30):
        ledger.checkin(f"MAPLE-T{j:05d}")
    events = [e.to_wire() for e in ledger.outbox(1000)]
    ledger.close()
    gzipped = len(protocol.encode({"events": events}))
    plain = len(protocol.encode({"events": events}, compress=False))
    return _row("bytes per event on the wire (a realistic batch, gzipped)", f"{gzipped / len(events):.0f} B",
                f"{plain / len(events):.0f} B as plain JSON", "<= 100 B")


def _row(figure: str, value: str, baseline: str, goal: str) -> dict[str, str]:
    return {"figure": figure, "value": value, "baseline": baseline, "goal": goal}


if __name__ == "__main__":
    from kiosk.cli_support import format_table

    print(format_table(run(), ["figure", "value", "baseline", "goal"]))
    sys.exit(0)
