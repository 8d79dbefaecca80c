"""Impact report figures: the report over a year of a busy library (100k loans, 5k members, 2k
tools), beside a naive computation that visits each loan and looks up its tool and member, in the
same run over the same file; both must agree.

Goal (issue 14): the report <= 200 ms. BENCH_SCALE=0.1 shrinks the data set.
The rows go straight into the ledger's derived tables (the report reads only those), so the
set-up takes seconds rather than replaying 100k checkouts.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kiosk.ledger import Ledger, impact
from tests.benchmarks.bench_ledger import _ms

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
YEAR = (date(2025, 1, 1), date(2025, 12, 31))
AREAS = [f"District {n}" for n in range(30)] + [None]
CATEGORIES = ["Power tools", "Garden", "Ladders", "Cleaning", "Woodwork", "Plumbing", "Painting", "Kitchen",
              "Camping", "Electrical", "Tiling", "Metalwork", "Car care", "Sewing", "Tiny category"]


def build(root: Path) -> Ledger:
    ledger = Ledger.create(root / "report", library="bench", name="Bench")
    rng = random.Random(14)
    members, tools, loans = int(5000 * SCALE), max(50, int(2000 * SCALE)), int(100_000 * SCALE)
    conn, lib = ledger._conn, "bench"
    start = YEAR[0] - timedelta(days=365)
    with ledger.batch():
        conn.executemany(
            "INSERT INTO members (library, code, name, area, joined) VALUES (?, ?, ?, ?, ?)",
            [(lib, f"M{m}", f"Member {m}", rng.choice(AREAS), (start + timedelta(days=rng.randrange(730))).isoformat())
             for m in range(members)])
        conn.executemany(
            "INSERT INTO tools (library, code, name, category, replacement_value, added_at) VALUES (?, ?, ?, ?, ?, ?)",
            [(lib, f"T{t}", f"Tool {t}", f"{rng.choice(CATEGORIES[:-1]) if t else CATEGORIES[-1]} > Sub",
              None if rng.random() < 0.1 else rng.randrange(10, 600),
              (start + timedelta(days=rng.randrange(730))).isoformat()) for t in range(tools)])
        rows = []
        for n in range(loans):
            member = f"M{rng.randrange(members)}"
            opened = YEAR[0] + timedelta(days=rng.randrange(365))
            rows.append((f"L{n}", lib, f"T{rng.randrange(tools)}", member, n, "d", n, opened.isoformat(),
                         (opened + timedelta(days=7)).isoformat(), impact.borrower_tag(lib, member)))
        conn.executemany(
            """INSERT INTO loans (id, library, tool_code, member_code, opened_hlc, opened_device, opened_seq,
                   opened_at, due, borrower_tag) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows)
        conn.executemany(
            """INSERT INTO repairs (id, library, tool_code, problem, opened_at, status, cost, closed_at)
               VALUES (?, ?, ?, 'Worn', ?, 'fixed', ?, ?)""",
            [(f"R{r}", lib, f"T{rng.randrange(tools)}", YEAR[0].isoformat(), rng.randrange(5, 80),
              (YEAR[0] + timedelta(days=rng.randrange(365))).isoformat()) for r in range(int(500 * SCALE))])
    conn.execute("ANALYZE")
    return ledger


def naive(ledger: Ledger, start: date, end: date) -> dict[str, Any]:
    """Each loan of the period read on its own, its tool and member looked up one by one."""
    query = ledger._query
    ids = query("SELECT id FROM loans WHERE library = ? AND opened_at BETWEEN ? AND ?",
                ("bench", start.isoformat(), end.isoformat()))
    figures = impact.Figures()
    borrowers, returning = set(), set()
    categories: dict[str, tuple[int, set]] = {}
    areas: dict[str, set] = {}
    for row in ids:
        loan = query("SELECT * FROM loans WHERE id = ?", (row["id"],))[0]
        tool = (query("SELECT * FROM tools WHERE library = ? AND code = ?", ("bench", loan["tool_code"])) or [{}])[0]
        member = (query("SELECT * FROM members WHERE library = ? AND code = ?", ("bench", loan["member_code"]))
                  or [{}])[0]
        tag = loan["borrower_tag"]
        figures.loans += 1
        value = tool.get("replacement_value")
        if value and value > 0:
            figures.value_lent += value
        else:
            figures.loans_without_value += 1
        borrowers.add(tag)
        if (loan["borrower_joined"] or member.get("joined") or "") < start.isoformat():
            returning.add(tag)
        category = (tool.get("category") or impact.NO_CATEGORY).split(">")[0].strip()
        count, people = categories.get(category, (0, set()))
        categories[category] = (count + 1, people | {tag})
        areas.setdefault(loan["borrower_area"] or member.get("area") or impact.NO_AREA, set()).add(tag)
    figures.borrowers, figures.returning_members = len(borrowers), len(returning)
    figures.value_lent = round(figures.value_lent, 2)
    fast = impact.gather(query, "bench", start, end)   # the figures that read no loan
    figures.new_members, figures.repairs_closed = fast.new_members, fast.repairs_closed
    figures.repair_cost, figures.tools_added = fast.repair_cost, fast.tools_added
    figures.categories = {c: (n, len(p)) for c, (n, p) in categories.items()}
    figures.areas = {a: len(p) for a, p in areas.items()}
    return impact.publish(figures, start, end)


def run() -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench-report-") as folder:
        ledger = build(Path(folder))
        ledger.impact_report(*YEAR)    # warm the page cache, as a page seen twice would be
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            report = ledger.impact_report(*YEAR)
            timings.append(time.perf_counter() - started)
        started = time.perf_counter()
        slow = naive(ledger, *YEAR)
        naive_time = time.perf_counter() - started
        ledger.close()
    if slow != report:
        raise AssertionError(f"the report and the naive count disagree:\n{report}\n{slow}")
    loans = report["loans"]
    return [{"figure": f"impact report over {loans:,} loans, {int(5000 * SCALE):,} members (median of 5)",
             "value": _ms(statistics.median(timings)), "baseline": f"{_ms(naive_time)} (naive, per loan)",
             "goal": "<= 200 ms"}]
