"""Hold figures: a checkout of a tool 20 members wait for, beside a plain checkout in the same
library; the hold-shelf list over 10k holds, beside reading every hold row.

Goals (issue 12): that checkout stays within the ledger's checkout figure (p99 <= 5 ms);
the hold shelf over 10k holds <= 50 ms. BENCH_SCALE=0.1 shrinks the data sets.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from kiosk.ledger import Ledger
from kiosk.ledger.ids import uuid7
from tests.benchmarks.bench_ledger import RawLog, _ms, _percentile

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
TODAY = date(2026, 11, 19)
LINE = 20


def waiting_list_checkout_figures(root: Path) -> list[dict]:
    ledger = Ledger.create(root / "checkout", library="bench", name="Bench")
    ledger.configure(loan_limit=1000, max_holds=50, open_weekdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    count = max(20, int(200 * SCALE))
    members = count
    with ledger.batch():
        for i in range(2 * count):
            ledger.add_tool(f"T{i}", f"Tool {i}")
        for m in range(members):
            ledger.add_member(f"M{m}", f"Member {m}", expires="2099-01-01")
            ledger.accept_waiver(f"M{m}")
        ledger.add_member("L", "Lender", expires="2099-01-01")
        ledger.accept_waiver("L")
        ledger.checkout("L", [f"T{i}" for i in range(count)], today=TODAY)
        for i in range(count):  # each of the first tools gets a line of 20; each member stands in 20 lines
            for j in range(LINE):
                ledger.place_hold(f"M{(i + j) % members}", f"T{i}", today=TODAY)
        for i in range(count):
            ledger.checkin(f"T{i}", today=TODAY)   # set aside for the first in line, 19 still waiting
    owner = {item["tool_code"]: item["member_code"] for item in ledger.hold_shelf(TODAY)}
    held, plain = [], []
    for i in range(count):
        started = time.perf_counter()
        ledger.checkout(owner[f"T{i}"], [f"T{i}"], today=TODAY)
        held.append(time.perf_counter() - started)
        started = time.perf_counter()
        ledger.checkout("L", [f"T{count + i}"], today=TODAY)
        plain.append(time.perf_counter() - started)
    ledger.close()
    return [
        {"figure": f"checkout of a tool set aside, {LINE - 1} more waiting, p50", "value": _ms(statistics.median(held)),
         "baseline": f"{_ms(statistics.median(plain))} (plain checkout, same library)", "goal": "-"},
        {"figure": f"checkout of a tool set aside, {LINE - 1} more waiting, p99", "value": _ms(_percentile(held, 0.99)),
         "baseline": f"{_ms(_percentile(plain, 0.99))} (plain checkout, same library)", "goal": "<= 5 ms"},
    ]


def hold_shelf_figures(root: Path) -> list[dict]:
    """10k holds written straight into the log and rebuilt: most ended, some waiting, some on the shelf."""
    ledger = Ledger.create(root / "shelf", library="bench", name="Bench")
    total = int(10_000 * SCALE)
    tools, members = max(50, total // 5), max(50, total // 10)
    log = RawLog(ledger)
    add = log.add
    for t in range(tools):
        add("tool.added", f"tool:T{t}", {"code": f"T{t}", "fields": {"name": f"Tool {t}", "shelf": f"S{t % 30}"}})
    for m in range(members):
        add("member.added", f"member:M{m}", {"code": f"M{m}", "fields": {"name": f"Member {m} Smith"}})
    out = set()
    for n in range(total):
        hold_id, tool, at = uuid7(), f"T{n % tools}", (TODAY - timedelta(days=(total - n) % 300)).isoformat()
        add("hold.placed", f"hold:{hold_id}", {"hold_id": hold_id, "member": f"M{n % members}", "tool": tool,
                                               "any_copy": n % 7 == 0, "at": at})
        kind = n % 10
        if kind < 7:      # long done: set aside and picked up
            add("hold.set_aside", f"hold:{hold_id}", {"hold_id": hold_id, "tool": tool, "ready_until": at, "at": at})
            add("hold.picked_up", f"hold:{hold_id}", {"hold_id": hold_id, "tool": tool, "at": at})
        elif kind == 7 and tool not in out:   # on the shelf now, some past their window
            add("hold.set_aside", f"hold:{hold_id}", {"hold_id": hold_id, "tool": tool, "at": at,
                                                      "ready_until": (TODAY + timedelta(days=n % 9 - 3)).isoformat()})
        elif tool not in out:  # waiting: its tool is out
            loan_id = uuid7()
            add("loan.opened", f"loan:{loan_id}", {"loan_id": loan_id, "tool": tool, "member": "M0",
                                                   "due": TODAY.isoformat(), "at": at})
            out.add(tool)
    log.commit()
    conn = ledger._conn
    ledger.rebuild()
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        items = ledger.hold_shelf(TODAY)
        timings.append(time.perf_counter() - started)
    started = time.perf_counter()
    every = conn.execute("SELECT * FROM holds").fetchall()
    scan = time.perf_counter() - started
    ledger.close()
    return [{"figure": f"hold shelf over {len(every):,} holds ({len(items)} items)", "value": _ms(statistics.median(timings)),
             "baseline": f"{_ms(scan)} (read every hold row)", "goal": "<= 50 ms"}]


def run() -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench-holds-") as tmp:
        root = Path(tmp)
        return waiting_list_checkout_figures(root) + hold_shelf_figures(root)


if __name__ == "__main__":
    from kiosk.cli_support import format_table

    print(format_table(run(), ["figure", "value", "baseline", "goal"]))
