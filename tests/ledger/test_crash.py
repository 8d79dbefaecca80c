"""No acknowledged checkout is lost when the kiosk process dies at any moment."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from kiosk.ledger import Ledger

TOOLS, MEMBERS, KILLS = 40, 10, 25


def test_sigkill_during_a_stream_of_checkouts_loses_nothing_acknowledged(tmp_path: Path):
    home = tmp_path / "home"
    ledger = Ledger.create(home, library="maple", name="Maple")
    ledger.configure(loan_limit=100)
    for i in range(TOOLS):
        ledger.add_tool(f"T{i}", f"Tool {i}")
    for i in range(MEMBERS):
        ledger.add_member(f"M{i}", f"Member {i}", expires="2099-01-01")
        ledger.accept_waiver(f"M{i}")
    ledger.close()

    rng = random.Random(7)
    acknowledged: list[str] = []
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    for _ in range(KILLS):
        writer = subprocess.Popen([sys.executable, "-m", "tests.ledger.crash_writer", str(home), str(TOOLS), str(MEMBERS)],
                                  stdout=subprocess.PIPE, text=True, env=env)
        first = writer.stdout.readline()  # at work (or dead): on a busy machine start-up alone can outlast the sleep
        time.sleep(rng.uniform(0.3, 0.9))
        writer.send_signal(signal.SIGKILL)
        out, _ = writer.communicate()
        acknowledged += [line.split()[1] for line in (first + out).splitlines() if line.startswith("done ")]

        survivor = Ledger.open(home)
        assert survivor.integrity_check() == "ok"
        known = {l["id"] for l in survivor.loans(open_only=False)}
        assert set(acknowledged) <= known, "a checkout reported as done is gone"
        before = survivor.projection_snapshot()
        survivor.rebuild()
        assert survivor.projection_snapshot() == before
        sequences = [e.seq for e in survivor.events() if e.device == survivor.device["id"]]
        assert sequences == list(range(1, len(sequences) + 1)), "device sequence has a gap"
        survivor.close()
    assert len(acknowledged) > KILLS  # the writer got real work done between kills
