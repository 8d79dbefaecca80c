"""`toolkiosk demo`, running: the whole system on the demo library, on this machine.

    toolkiosk-server serve   the sync API and the coordinators' pages, on loopback
    toolkiosk run            the kiosk, enrolled with that server and syncing to it
    Xvfb                     a virtual screen for the kiosk, when no screen is attached

Each runs as a process of its own, in a session of its own, so Ctrl+C (or SIGTERM) reaches this
process only, which stops them in order: the kiosk, the server, the screen. Should this process
die anyway, the kernel ends them too (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

from kiosk.display import WINDOW, has_window_system, on_console

SERVER_LOG, KIOSK_LOG = "demo-server.log", "demo-kiosk.log"  # in the demo's home folder
START_TIMEOUT_S = 60.0   # a busy Pi takes a while to import Kivy and the server
STOP_TIMEOUT_S = 10.0


class DemoFailed(RuntimeError):
    """A part of the demo did not start; the message says which and why."""


def run_demo(home: Path, *, host: str = "127.0.0.1", port: int = 0, fullscreen: bool | None = None,
             say: Callable[[str], None] = print) -> int:
    """Serves the demo library in ``home`` and runs its kiosk until Ctrl+C, SIGTERM or the kiosk
    closes; returns the kiosk's exit status (0 when stopped by a signal)."""
    from kiosk.ledger import Ledger
    from sync.client import enroll
    from sync.server.web import demo

    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    children: list[subprocess.Popen] = []
    try:
        ledger = Ledger.open(home)
        try:
            code = demo.seed_for_kiosk(home / "server", ledger)
        finally:
            ledger.close()
        port = port or _port(host)
        url = f"http://{host}:{port}"
        env = {**os.environ, "TOOLKIOSK_WEB_INSECURE_COOKIES": "1"}  # plain HTTP on loopback: cookies without Secure
        children.append(_start([sys.executable, "-m", "sync.server.cli", "--data", str(home / "server"), "serve",
                                "--host", host, "--port", str(port)], env, home / SERVER_LOG))
        _wait(lambda: _answers(url), children[-1], "the sync server", home / SERVER_LOG, stop)
        ledger = Ledger.open(home)
        try:
            enroll(ledger, url, code)
        finally:
            ledger.close()
        kiosk_env = {**os.environ, "KIVY_NO_ARGS": "1", "TOOLKIOSK_LOG_LEVEL": os.environ.get("TOOLKIOSK_LOG_LEVEL", "warning")}
        full = on_console() if fullscreen is None else fullscreen
        if not full and not has_window_system():
            xvfb, display = _virtual_screen()
            children.append(xvfb)
            kiosk_env["DISPLAY"] = display
        with _ready_socket() as (ready, address):
            kiosk_env["NOTIFY_SOCKET"] = address  # the kiosk says READY=1 once its first screen is up
            children.append(_start([sys.executable, "-m", "kiosk.cli", "--home", str(home), "run",
                                    "--fullscreen" if full else "--windowed"], kiosk_env, home / KIOSK_LOG))
            _wait(lambda: _said_ready(ready), children[-1], "the kiosk", home / KIOSK_LOG, stop)
        say(_addresses(url, kiosk_env.get("DISPLAY") if not has_window_system() else None, full, home))
        kiosk = children[-1]
        while not stop.is_set() and kiosk.poll() is None and children[0].poll() is None:
            stop.wait(0.5)
        return 0 if stop.is_set() else (kiosk.poll() or 0)
    finally:
        for child in reversed(children):
            _stop(child)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _addresses(url: str, virtual_display: str | None, full: bool, home: Path) -> str:
    from sync.server.web import demo

    where = ("on a virtual screen (" + virtual_display + "): nothing shows here, the pages below are the way in"
             if virtual_display else "full screen" if full else "in a window the size of the 7-inch display")
    return "\n".join([
        "",
        f"The demo library is up. The kiosk runs {where}.",
        f"  Public catalog       {url}/",
        f"  Coordinators' pages  {url}/web",
        f"    coordinator        {demo.COORDINATOR}   password: {demo.PASSWORD}",
        f"    volunteer          {demo.VOLUNTEER}   password: {demo.PASSWORD}",
        f"  Sync API             {url}/v1/health",
        "  Staff PINs on the kiosk: volunteer 1234, coordinator 4321",
        f"Their messages go to {home / SERVER_LOG} and {home / KIOSK_LOG}.",
        "Press Ctrl+C to stop the kiosk and the server.",
        "",
    ])


# -- processes ---------------------------------------------------------------------------------

def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """The command in a session of its own, its output appended to ``log``."""
    with open(log, "ab") as output:
        return subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                                start_new_session=True, preexec_fn=_die_with_parent)


def _die_with_parent() -> None:
    """In the child: SIGTERM when this process dies, however it dies (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _stop(child: subprocess.Popen) -> None:
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def _wait(ready: Callable[[], bool], child: subprocess.Popen, what: str, log: Path, stop: threading.Event) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not ready():
        if child.poll() is not None:
            raise DemoFailed(f"{what} stopped as it started (exit status {child.returncode}); its messages are in {log}")
        if stop.is_set():
            raise KeyboardInterrupt
        if time.monotonic() > deadline:
            raise DemoFailed(f"{what} did not start within {START_TIMEOUT_S:.0f} seconds")
        stop.wait(0.2)


def _virtual_screen() -> tuple[subprocess.Popen, str]:
    """Xvfb the size of the 7-inch display; its display name once it is ready to draw on."""
    read, write = os.pipe()
    try:
        xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "{}x{}x24".format(*WINDOW),
                                 "-nolisten", "tcp"], pass_fds=(write,), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                                preexec_fn=_die_with_parent)
    except FileNotFoundError:
        raise DemoFailed("no screen is attached and Xvfb is missing: sudo apt-get install xvfb") from None
    finally:
        os.close(write)
    with os.fdopen(read) as answer:
        number = answer.readline().strip()  # written once the server accepts clients
    if not number:
        _stop(xvfb)
        raise DemoFailed("the virtual screen (Xvfb) did not start")
    return xvfb, f":{number}"


# -- readiness -----------------------------------------------------------------------------------

def _answers(url: str) -> bool:
    import requests

    try:
        return requests.get(f"{url}/v1/health", timeout=2).ok
    except requests.RequestException:
        return False


@contextlib.contextmanager
def _ready_socket() -> Iterator[tuple[socket.socket, str]]:
    """A datagram socket like systemd's NOTIFY_SOCKET, for the kiosk's READY=1."""
    with tempfile.TemporaryDirectory(prefix="toolkiosk-demo-") as folder:
        address = str(Path(folder) / "notify")
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.bind(address)
            sock.setblocking(False)
            yield sock, address


def _said_ready(sock: socket.socket) -> bool:
    with contextlib.suppress(BlockingIOError):
        while True:
            if b"READY=1" in sock.recv(4096).split(b"\n"):
                return True
    return False


def _port(host: str, wanted: int = 8080) -> int:
    """8080 when it is free (easy to remember), else any free port."""
    for candidate in (wanted, 0):
        with socket.socket() as sock:
            try:
                sock.bind((host, candidate))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise DemoFailed(f"no free port to serve on at {host}")
