"""Public catalog figures: the search page and a tool page under 20 concurrent readers, over HTTP on
loopback, with 50,000 tools; each beside the same page with its query done naively (a LIKE scan of
every tool, or the whole catalog read to find one tool), measured in the same run; and a revalidation.

Goal (issue 13): search and tool pages p95 <= 100 ms. BENCH_SCALE=0.1 shrinks the catalog.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable

import httpx
from fastapi import FastAPI

from kiosk.ledger import Ledger
from kiosk.ledger.events import Event
from kiosk.ledger.ids import uuid7
from sync.server.web import WebConfig, mount_web
from sync.server.web import queries
from sync.server.web.public import catalog, routes
from sync.server.web.views import LibraryView
from tests.benchmarks.bench_ledger import RawLog, _ms, _percentile
from tests.sync.helpers import ServerThread

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


class LedgerSource:
    """A kiosk ledger's log as the pages' EventSource: the library's events in log order."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger

    def library_name(self, library: str) -> str | None:
        return "Bench Tool Library" if library == LIBRARY else None

    def libraries(self) -> list[str]:
        return [LIBRARY]

    def events_after(self, library: str, after: int, limit: int) -> list[tuple[int, Event]]:
        rows = self.ledger._query("SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit))
        return [(row["seq"], Event.from_row(row)) for row in rows]

    def append_event(self, library: str, type_: str, entity: str, payload: dict[str, Any]) -> Event:
        raise NotImplementedError("the benchmark only reads")

    def partners(self, library: str) -> list[str]:
        return []

    def kiosks(self, library: str) -> list:
        return []

    def photo(self, library: str, name: str) -> bytes | None:
        return None


def _write_catalog(ledger: Ledger, tools: int) -> None:
    rng = random.Random(13)
    log = RawLog(ledger)
    for m in range(200):
        log.add("member.added", f"member:M{m}", {"code": f"M{m}", "fields": {"name": f"Member {m}", "expires": "2099-01-01"}})
    for t in range(tools):
        name = f"{rng.choice(KINDS)} {rng.choice(THINGS)} {t % 50}"
        log.add("tool.added", f"tool:T{t}", {"code": f"T{t}", "fields": {
            "name": name, "category": f"Group {t % 12} > Kind {t % 37}", "brand": rng.choice(["Bosch", "Makita", "Ryobi"]),
            "description": f"A {name.lower()} for home jobs, with its manual.", "shelf": f"S{t % 90}",
            "kit": json.dumps(["batería", "charger"]) if t % 5 == 0 else None}})
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


def _load(base: str, paths: list[str], headers: dict[str, str] | None = None,
          each: int = REQUESTS_PER_READER) -> list[float]:
    """``READERS`` threads, each with its own connection, fetching ``paths`` in turn (``each`` requests);
    the latency of every request."""
    samples: list[float] = []
    lock = threading.Lock()

    def reader(offset: int) -> None:
        mine = []
        with httpx.Client(base_url=base, timeout=60) as http:
            for n in range(each):
                started = time.perf_counter()
                response = http.get(paths[(offset + n) % len(paths)], headers=headers)
                mine.append(time.perf_counter() - started)
                assert response.status_code in (200, 304), response.text[:200]
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=reader, args=(i * 7,)) for i in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


def _patched(name: str, replacement: Callable) -> Any:
    class Patch:
        def __enter__(self) -> None:
            self.saved = getattr(routes.catalog, name)
            setattr(routes.catalog, name, replacement)

        def __exit__(self, *exc: object) -> None:
            setattr(routes.catalog, name, self.saved)
    return Patch()


def run() -> list[dict]:
    tools = max(500, int(50_000 * SCALE))
    with tempfile.TemporaryDirectory(prefix="bench-catalog-") as folder:
        root = Path(folder)
        ledger = Ledger.create(root / "kiosk", library=LIBRARY, name="Bench")
        _write_catalog(ledger, tools)
        app = FastAPI()
        state = mount_web(app, LedgerSource(ledger), WebConfig(data_dir=root / "web", cookie_secure=False,
                                                                now=lambda: time.mktime(TODAY.timetuple())))
        started = time.perf_counter()
        view = state.views.get(LIBRARY)
        catalog.search(view, q="warm")   # builds the public index once, as the first visitor would
        built = time.perf_counter() - started
        rng = random.Random(5)
        searches = [f"/catalog/{LIBRARY}?q={q}" for q in SEARCHES]
        pages = [f"/catalog/{LIBRARY}/tools/T{rng.randrange(tools)}" for _ in range(50)]
        with ServerThread(None, app=app) as server:  # type: ignore[arg-type]
            _load(server.url, searches[:2] + pages[:2])  # warm up connections and caches
            search = _load(server.url, searches)
            tool = _load(server.url, pages)
            with _patched("search", _naive_search):   # fewer rounds: each is slow, and the figure is its p95
                naive_search = _load(server.url, searches, each=NAIVE_REQUESTS_PER_READER)
            with _patched("tool", _naive_tool):
                naive_tool = _load(server.url, pages, each=NAIVE_REQUESTS_PER_READER)
            with httpx.Client(base_url=server.url) as http:
                tags = {p: http.get(p).headers["etag"] for p in searches}
            revalidated = []
            for path, tag in tags.items():
                revalidated += _load(server.url, [path], {"If-None-Match": tag}, each=4)
        state.close()
        ledger.close()
    label = f"{tools:,} tools, {READERS} readers"
    return [
        {"figure": f"catalog search page p95 ({label})", "value": _ms(_percentile(search, 0.95)),
         "baseline": f"{_ms(_percentile(naive_search, 0.95))} (same page, LIKE scan)", "goal": "<= 100 ms"},
        {"figure": f"tool page p95 ({label})", "value": _ms(_percentile(tool, 0.95)),
         "baseline": f"{_ms(_percentile(naive_tool, 0.95))} (same page, whole catalog read)", "goal": "<= 100 ms"},
        {"figure": f"revalidation, 304 p95 ({label})", "value": _ms(_percentile(revalidated, 0.95)),
         "baseline": f"{_ms(_percentile(search, 0.95))} (full search page)", "goal": "-"},
        {"figure": f"first view build with the public index ({tools:,} tools)", "value": f"{built:.1f} s",
         "baseline": "-", "goal": "-"},
    ]
