"""A local HTTP server standing in for an SMS gateway: it records every request and answers as told."""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}

    def basic_auth(self) -> tuple[str, str]:
        user, _, password = base64.b64decode(self.headers["Authorization"].split()[1]).decode().partition(":")
        return user, password


@dataclass
class SmsCatcher:
    answers: list[int] = field(default_factory=list)   # statuses to give in turn; 200 (or 201) after they run out
    received: list[Received] = field(default_factory=list)
    ok_status: int = 200

    def wait_for(self, count: int = 1, timeout: float = 20) -> list[Received]:
        """The requests once there are ``count`` (a sign-in code leaves after the page's answer)."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.received) >= count, timeout)
        assert len(self.received) >= count, f"{len(self.received)} requests, expected {count}"
        return self.received

    def __enter__(self) -> "SmsCatcher":
        catcher = self
        self._arrived = threading.Condition()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with catcher._arrived:
                    catcher.received.append(Received(self.path, dict(self.headers), body))
                    catcher._arrived.notify_all()
                status = catcher.answers.pop(0) if catcher.answers else catcher.ok_status
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"status": "ok"}' if status < 300 else b'{"error": "try later"}')

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
