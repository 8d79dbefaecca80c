"""`make demo`'s command as a newcomer runs it on a machine with no screen: the sync server with
the coordinators' pages and the kiosk on a virtual screen, enrolled and syncing; Ctrl+C stops
every process it started."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from kiosk.ledger import Ledger
from sync.server import open_storage
from sync.server.web import demo
from tests.sync.helpers import free_port
from tests.web.helpers import CSRF

pytestmark = pytest.mark.skipif(not shutil.which("Xvfb"), reason="the demo's virtual screen needs Xvfb")

BACKGROUND = (0xF2, 0xF2, 0xEF)  # theme.BACKGROUND: the page's margin at every edge of the window


def descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            for child in (task / "children").read_text().split():
                found.add(int(child))
                todo.append(int(child))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_demo_serves_the_pages_runs_the_kiosk_and_ctrl_c_stops_everything(tmp_path):
    home, port = tmp_path / "demo", free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}  # no screen attached
    demo_run = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "demo", "--home", str(home), "--port", str(port)],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        said = []
        for line in demo_run.stdout:  # printed once the server answers and the kiosk drew its first screen
            said.append(line)
            if line.startswith("Press Ctrl+C"):
                break
        text = "".join(said)
        assert "The demo library is up" in text, text
        url = f"http://127.0.0.1:{port}"
        assert f"{url}/web" in text and demo.COORDINATOR in text and demo.PASSWORD in text
        started = descendants(demo_run.pid)
        assert len(started) >= 3  # the server, the virtual screen, the kiosk

        # the way in with no screen: the coordinators' pages, logged in over plain HTTP
        with httpx.Client(base_url=url) as web:
            token = dict(CSRF.findall(web.get("/web/login").text))["/web/login"]
            answer = web.post("/web/login", data={"email": demo.COORDINATOR, "password": demo.PASSWORD,
                                                  "next": "", "csrf_token": token})
            assert answer.status_code in (302, 303), answer.text
            assert "Maple Street Tool Library" in web.get("/web/overdue").text

        # the kiosk is a whole 800x480 window on its virtual screen: the page's margin at every edge
        display = re.search(r"virtual screen \((:\d+)\)", text).group(1)
        from PIL import ImageGrab

        shot = ImageGrab.grab(xdisplay=display).convert("RGB")
        assert shot.size == (800, 480)
        edges = [shot.getpixel((x, y)) for x in range(0, 800, 7) for y in (0, 479)]
        assert all(max(abs(a - b) for a, b in zip(pixel, BACKGROUND)) <= 2 for pixel in edges)

        # the kiosk enrolled and is sending its own events to the server
        kiosk = Ledger.open(home)
        own = sum(1 for event in kiosk.events() if event.device == kiosk.device["id"])
        front = kiosk.device["id"]
        kiosk.close()
        deadline = time.monotonic() + 120
        while server_count(home, front) < own:
            assert time.monotonic() < deadline, f"the server has {server_count(home, front)} of the kiosk's {own} events"
            time.sleep(0.5)

        demo_run.send_signal(signal.SIGINT)  # Ctrl+C
        assert demo_run.wait(timeout=60) in (0, 130)
    finally:
        if demo_run.poll() is None:
            demo_run.kill()
    assert [pid for pid in started if alive(pid)] == []

    storage = open_storage(home / "server")
    try:
        assert {d["name"] for d in storage.devices("demo")} == {"Front counter", "Back room"}
    finally:
        storage.close()


def server_count(home: Path, device: str) -> int:
    """The device's events the server holds, read without disturbing the running server."""
    with sqlite3.connect(f"file:{home / 'server' / 'server.db'}?mode=ro", uri=True) as db:
        return db.execute("SELECT count(*) FROM events WHERE device = ?", (device,)).fetchone()[0]
