"""Real servers and kiosks for the sync tests: uvicorn on a free loopback port, ledgers in tmp folders."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Iterator

import uvicorn

from kiosk.ledger import Ledger
from sync.client import Offline, Reply, RequestsTransport, Transport, enroll
from sync.server import create_app
from sync.server.storage import Storage

PG_BASE_URL = os.environ.get("TOOLKIOSK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
ROOT = Path(__file__).resolve().parents[2]
SERVER_BIN = Path(sys.executable).parent / "toolkiosk-server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerThread:
    """The real ASGI app on uvicorn, in a thread of this process, speaking HTTP on 127.0.0.1."""

    def __init__(self, storage: Storage, app: Any = None, **app_options):
        self.storage = storage
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app or create_app(storage, **app_options), host="127.0.0.1", port=self.port,
                                log_level="error", access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=lambda: asyncio.run(self._server.serve()), daemon=True)

    def __enter__(self) -> "ServerThread":
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


def pg_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_BASE_URL, connect_timeout=2):
            return True
    except Exception:
        return False


@contextlib.contextmanager
def pg_schema_url() -> Iterator[str]:
    """A PostgreSQL URL selecting a fresh schema, dropped afterwards."""
    import psycopg

    name = f"tk_test_{uuid.uuid4().hex[:10]}"
    try:
        yield f"{PG_BASE_URL}?schema={name}"
    finally:
        with psycopg.connect(PG_BASE_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def new_kiosk(home: Path, storage: Storage, url: str, library: str, *, name: str | None = None,
              transport: Transport | None = None, **ledger_options) -> Ledger:
    """A kiosk set up for ``library`` and enrolled with the server at ``url``."""
    ledger = Ledger.create(home, library=library, name=name or library.title(), **ledger_options)
    ledger.configure(open_weekdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    code = storage.invite(library, f"kiosk {home.name}")
    enroll(ledger, url, code, transport=transport or RequestsTransport())
    return ledger


def start_server_process(data: str | Path, port: int, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`toolkiosk-server serve` as its own process; returns once it answers."""
    proc = subprocess.Popen([str(SERVER_BIN), "--data", str(data), "serve", "--port", str(port)],
                            env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server process exited: {proc.stderr.read().decode()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return proc
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the server process did not start")




class FaultyTransport:
    """Real HTTP with the network's misdeeds on demand: requests lost on the way there or back,
    sent twice, or an old request delivered late. Keeps every answer body it let through."""

    def __init__(self, inner: Transport | None = None):
        self.inner = inner or RequestsTransport()
        self.fault: str | None = None
        self.answers: list[bytes] = []
        self._old: list[tuple[str, str, bytes | None, dict | None]] = []

    def request(self, method: str, url: str, *, body: bytes | None = None, headers: dict | None = None) -> Reply:
        fault, self.fault = self.fault, None
        if fault == "lost_request":
            raise Offline("the request was lost")
        if fault == "late_delivery" and self._old:
            self._send(*self._old[0])  # an old request arrives now; its answer goes nowhere
        reply = self._send(method, url, body, headers)
        self._old = (self._old + [(method, url, body, headers)])[-3:]
        if fault == "duplicated":
            reply = self._send(method, url, body, headers)
        if fault == "lost_answer":
            raise Offline("the answer was lost")
        return reply

    def _send(self, method, url, body, headers) -> Reply:
        reply = self.inner.request(method, url, body=body, headers=headers)
        self.answers.append(reply.body)
        return reply
