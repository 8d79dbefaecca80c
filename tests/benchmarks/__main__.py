"""`make bench`: every tests/benchmarks/bench_*.py module's figures in one table.

    python -m tests.benchmarks            all of them
    python -m tests.benchmarks ledger     only bench_ledger (any part of a module name)

Each module's ``run()`` returns rows of figure, value, baseline and goal.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path

from kiosk.cli_support import format_table

COLUMNS = ["figure", "value", "baseline", "goal"]


def main(selected: list[str]) -> int:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    names = [n for n in names if not selected or any(s in n for s in selected)]
    rows = []
    for name in names:
        started = time.perf_counter()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        module = importlib.import_module(f"tests.benchmarks.{name}")
        for row in module.run():
            rows.append({"module": name.removeprefix("bench_"), **row})
        print(f"  {name} took {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    print(format_table(rows, ["module", *COLUMNS]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
