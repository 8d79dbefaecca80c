"""Label figures: a sheet of 30 labels rendered in <= 1 s (issue 3), beside python-barcode's own image writer.

    python -m tests.benchmarks.bench_labels
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from barcode import Code128
from barcode.writer import ImageWriter

from kiosk.labels import LabelText, get_stock, render_pages, write_pages
from kiosk.ledger.codes import mint_code


def _labels(count: int) -> list[LabelText]:
    names = ["Cordless drill 18V", "Hedge trimmer", "Tile saw", "Step ladder 6 ft", "Pressure washer"]
    return [LabelText(mint_code("maple", "tool", "K3QD7", n + 1), names[n % len(names)], "Maple Street Tool Library") for n in range(count)]


def _median_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run() -> list[dict]:
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(before)})
    try:
        labels = _labels(30)
        stock = get_stock("5160")
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder)
            render = _median_of(3, lambda: render_pages(labels, stock))
            to_pdf = _median_of(3, lambda: write_pages(render_pages(labels, stock), out / "sheet.pdf", stock.dpi))
            to_png = _median_of(3, lambda: write_pages(render_pages(labels, stock), out / "sheet.png", stock.dpi))
            writer = _median_of(3, lambda: [Code128(label.code, writer=ImageWriter()).render() for label in labels])
    finally:
        os.sched_setaffinity(0, before)
    baseline = f"python-barcode ImageWriter, 30 bare barcodes: {writer:.2f} s"
    return [
        {"figure": "sheet of 30 labels (5160, 600 dpi) rendered, median of 3", "value": f"{render:.2f} s", "baseline": baseline, "goal": "<= 1 s"},
        {"figure": "... and written as PDF", "value": f"{to_pdf:.2f} s", "baseline": "-", "goal": "<= 1 s"},
        {"figure": "... and written as PNG", "value": f"{to_png:.2f} s", "baseline": "-", "goal": "-"},
    ]


if __name__ == "__main__":
    from kiosk.cli_support import format_table

    print(format_table(run(), ["figure", "value", "baseline", "goal"]))
