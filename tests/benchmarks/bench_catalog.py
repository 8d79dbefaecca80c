"""Public catalog figures: the search page and a tool page under 20 concurrent readers, over HTTP on
loopback to a real `toolkiosk-server serve --workers 2` (SQLite store; one worker per core of this
machine, which the readers share) holding 50,000 tools; each beside the same page with its query done
naively (a LIKE scan of every tool, or the whole catalog read to find one tool) by the same server with
only that function swapped, measured in the same run; and a revalidation.

The search figure is given twice: for the same dozen searches asked again and again (a ranked page is
kept until the catalog's words change), and for searches each asked once (every one ranked afresh).

Goal (issue 13): search and tool pages p95 <= 100 ms. BENCH_SCALE=0.1 shrinks the catalog.
"""

from __future__ import annotations

import contextlib
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

from kiosk.ledger import Ledger
from kiosk.ledger.ids import uuid7
from sync.protocol import MAX_EVENTS_PER_REQUEST
from sync.server import open_storage
from sync.server.web import queries
from sync.server.web.public import catalog
from sync.server.web.views import LibraryView
from tests.benchmarks.bench_ledger import RawLog, _ms, _percentile
from tests.sync.helpers import ROOT, free_port

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
READERS = 20
REQUESTS_PER_READER = 40
NAIVE_REQUESTS_PER_READER = 8
TODAY = date(2026, 12, 3)
KINDS = ["Cordless", "Angle", "Orbital", "Belt", "Hedge", "Pressure", "Tile", "Sierra de", "Cepillo", "Rotary",
         "Random-orbit", "Impact", "Mitre", "Jig", "Chain", "Circular", "Heat", "Wet-dry", "Step", "Garden"]
THINGS = ["drill", "grinder", "sander", "trimmer", "washer", "cutter", "calar", "eléctrico", "hammer", "driver",
          "saw", "gun", "vacuum", "ladder", "fork", "spade", "clamp", "router", "planer", "level"]
SEARCHES = ["drill", "sierra", "sierra calar", "cepillo electrico", "orbital sander", "hedge", "tile cutter", "saw",
            "pressure washer", "mitre", "bateria", "ladder 12"]
LIBRARY = "bench"
WORKERS = 2          # `serve --workers 2`, as a server on this 2-core machine would run
NAIVE_ENV = "TOOLKIOSK_BENCH_NAIVE"


def _write_catalog(ledger: Ledger, tools: int) -> None:
    rng = random.Random(13)
    log = RawLog(ledger)
    for m in range(200):
        log.add("member.added", f"member:M{m}", {"code": f"M{m}", "fields": {"name": f"Member {m}", "expires": "2099-01-01"}})
    for t in range(tools):
        name = f"{rng.choice(KINDS)} {rng.choice(THINGS)} {t % 50}"
        log.add("tool.added", f"tool:T{t}", {"code": f"T{t}", "fields": {
            "name": name, "category": f"Group {t % 12} > Kind {t % 5}", "brand": rng.choice(["Bosch", "Makita", "Ryobi"]),
            "description": f"A {name.lower()} for home jobs, with its manual.", "shelf": f"S{t % 90}",
            "kit": ["batería", "charger"] if t % 5 == 0 else None}})
    for t in range(0, tools, 4):   # a quarter of the tools out
        loan_id = uuid7()
        log.add("loan.opened", f"loan:{loan_id}", {"loan_id": loan_id, "tool": f"T{t}", "member": f"M{t % 200}",
                                                   "at": (TODAY - timedelta(days=3)).isoformat(),
                                                   "due": (TODAY + timedelta(days=4)).isoformat()})
    log.commit()


def _naive_search(view: LibraryView, *, q: str = "", category: str = "", page: int = 1,
                  per_page: int = catalog.PER_PAGE) -> catalog.Results:
    """The obvious query: LIKE over every column of every tool, availability per row, sorted by name."""
    words = q.lower().split()
    where = " AND ".join("(lower(t.name) LIKE ? OR lower(t.category) LIKE ? OR lower(t.description) LIKE ? "
                         "OR lower(t.kit) LIKE ?)" for _ in words) or "1"
    args = [f"%{w}%" for w in words for _ in range(4)]
    rows = view.query(f"""SELECT {catalog._FIELDS} FROM tools t WHERE t.library = ? AND {catalog._SHOWN} AND {where}
                          ORDER BY t.name COLLATE NOCASE, t.code""", (view.library, *args))
    found = [dict(r) for r in rows]
    return catalog.Results(found[(page - 1) * per_page: page * per_page], len(found), page, max(1, -(-len(found) // per_page)))


def _naive_tool(view: LibraryView, code: str) -> dict[str, Any] | None:
    """The coordinators' partner page's way: the whole catalog with availability, then the one tool."""
    for row in queries.catalog(view):
        if row["code"] == code:
            return {**row, "kit": [], "loan_days": 7, "photo": None, "shelf": None, "description": None}
    return None


def _load(base: str, paths: list[str], tags: dict[str, str] | None = None,
          each: int = REQUESTS_PER_READER, spread: int = 7) -> list[float]:
    """``READERS`` threads, each with its own connection, fetching ``paths`` in turn (``each`` requests,
    reader i starting at path i * ``spread``), revalidating with ``tags`` (path -> ETag) when given;
    the latency of every request."""
    samples: list[float] = []
    lock = threading.Lock()

    def reader(offset: int) -> None:
        mine = []
        with httpx.Client(base_url=base, timeout=60) as http:
            for n in range(each):
                started = time.perf_counter()
                path = paths[(offset + n) % len(paths)]
                response = http.get(path, headers={"If-None-Match": tags[path]} if tags else None)
                mine.append(time.perf_counter() - started)
                assert response.status_code in (200, 304), response.text[:200]
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=reader, args=(i * spread,)) for i in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


def _swap(which: str) -> None:
    if which == "search":
        catalog.search = _naive_search
    elif which == "tool":
        catalog.tool = _naive_tool


def naive_worker_app() -> Any:
    """A worker process's app with the query named in NAIVE_ENV swapped for its naive form."""
    from sync.server import serving

    _swap(os.environ.get(NAIVE_ENV, ""))
    return serving.worker_app()


def serve_naive(which: str, argv: list[str]) -> int:
    """`toolkiosk-server` whose worker processes read one catalog query naively ("search" or "tool")."""
    import uvicorn

    from sync.server.cli import main

    os.environ[NAIVE_ENV] = which
    run = uvicorn.run
    uvicorn.run = lambda app, **options: run(
        "tests.benchmarks.bench_catalog:naive_worker_app" if app == "sync.server.serving:worker_app" else app,
        **options)
    return main(argv)


def _server(data: Path, port: int, naive: str = "") -> subprocess.Popen:
    """The real server as its own process (naively reading, if asked), once it answers."""
    argv = ["--data", str(data), "serve", "--port", str(port), "--workers", str(WORKERS)]
    command = [sys.executable, "-c", "import sys; from tests.benchmarks.bench_catalog import serve_naive; "
               "sys.exit(serve_naive(sys.argv[1], sys.argv[2:]))", naive, *argv]
    env = {**os.environ, "TOOLKIOSK_WEB_INSECURE_COOKIES": "1"}
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited: {proc.stderr.read().decode()[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200:
                return proc
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not start")


def _stopped(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=30)


def _measure(data: Path, naive: str, paths: list[str], each: int) -> list[float]:
    port = free_port()
    proc = _server(data, port, naive)
    try:
        base = f"http://127.0.0.1:{port}"
        _load(base, paths, each=2)   # warm up: connections, caches, the index on first use
        return _load(base, paths, each=each)
    finally:
        _stopped(proc)


def run() -> list[dict]:
    tools = max(500, int(50_000 * SCALE))
    with tempfile.TemporaryDirectory(prefix="bench-catalog-") as folder:
        data = Path(folder) / "server"
        ledger = Ledger.create(Path(folder) / "kiosk", library=LIBRARY, name="Bench")
        _write_catalog(ledger, tools)
        storage = open_storage(data)
        storage.add_library(LIBRARY, "Bench Tool Library")
        device, _token = storage.enroll(storage.invite(LIBRARY, "front"), LIBRARY, "front", device_id=ledger.device["id"])
        events = [e.to_wire() for e in ledger.events()]
        for start in range(0, len(events), MAX_EVENTS_PER_REQUEST):
            storage.ingest(device, events[start:start + MAX_EVENTS_PER_REQUEST])
        storage.close()
        ledger.close()
        rng = random.Random(5)
        searches = [f"/catalog/{LIBRARY}?q={q}" for q in SEARCHES]
        # searches asked only once: each of the searches on another page, so no ranking is kept from before
        fresh = [f"/catalog/{LIBRARY}?q={SEARCHES[n % len(SEARCHES)]}&page={n // len(SEARCHES) + 2}"
                 for n in range(READERS * REQUESTS_PER_READER)]
        pages = [f"/catalog/{LIBRARY}/tools/T{rng.randrange(tools)}" for _ in range(50)]
        port = free_port()
        proc = _server(data, port)
        try:
            base = f"http://127.0.0.1:{port}"
            started = time.perf_counter()
            httpx.get(base + searches[0], timeout=600)   # the first visitor builds the view and its index
            built = time.perf_counter() - started
            _load(base, searches[:2] + pages[:2], each=2)
            search = _load(base, searches)
            first_asked = _load(base, fresh, spread=REQUESTS_PER_READER)
            tool = _load(base, pages)
            tags = {p: httpx.get(base + p).headers["etag"] for p in searches}
            revalidated = _load(base, searches, tags)
        finally:
            _stopped(proc)
        # the same pages, the same server, only the query swapped (fewer rounds: each is slow)
        naive_search = _measure(data, "search", searches, NAIVE_REQUESTS_PER_READER)
        naive_tool = _measure(data, "tool", pages, NAIVE_REQUESTS_PER_READER)
    label = f"{tools:,} tools, {READERS} readers"
    return [
        {"figure": f"catalog search page p95 ({label})", "value": _ms(_percentile(search, 0.95)),
         "baseline": f"{_ms(_percentile(naive_search, 0.95))} (same page, LIKE scan)", "goal": "<= 100 ms"},
        {"figure": f"catalog search page p95, every search new to the server ({label})",
         "value": _ms(_percentile(first_asked, 0.95)),
         "baseline": f"{_ms(_percentile(naive_search, 0.95))} (same page, LIKE scan)", "goal": "<= 100 ms"},
        {"figure": f"tool page p95 ({label})", "value": _ms(_percentile(tool, 0.95)),
         "baseline": f"{_ms(_percentile(naive_tool, 0.95))} (same page, whole catalog read)", "goal": "<= 100 ms"},
        {"figure": f"revalidation, 304 p95 ({label})", "value": _ms(_percentile(revalidated, 0.95)),
         "baseline": f"{_ms(_percentile(search, 0.95))} (full search page)", "goal": "-"},
        {"figure": f"first page, building the view and its index ({tools:,} tools)", "value": f"{built:.1f} s",
         "baseline": "-", "goal": "-"},
    ]
