"""The sync server with the coordinators' pages on a loopback port, and an HTTP client for them."""

from __future__ import annotations

import re
import time
from datetime import datetime
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import httpx

from sync.server import create_app
from sync.server.storage import Storage
from sync.server.web import WebConfig, mount_web
from sync.server.web.adapter import StorageSource
from sync.server.web.reminders.channels import LoggingSmsGateway
from tests.sync.helpers import ServerThread

PASSWORD = "a long enough password"
CSRF = re.compile(r'<form[^>]*action="([^"]+)"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)">')


class Clock:
    """The pages' clock: real time plus an offset the tests move forward."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds

    def set(self, moment: datetime) -> None:
        self.offset = moment.timestamp() - time.time()


class WebServer:
    """The real sync app with the pages mounted, on uvicorn in a thread of this process."""

    def __init__(self, storage: Storage, data_dir: Path, clock: Clock, **config: Any):
        self.storage = storage
        app = self.app = create_app(storage)
        self.sms = config.pop("sms_gateway", None) or LoggingSmsGateway()
        self.state = mount_web(app, StorageSource(storage), WebConfig(data_dir=data_dir, now=clock, **config),
                               sms=self.sms)
        self._http = ServerThread(storage, app=app)
        self.port, self.url = self._http.port, self._http.url
        self.base = self.url + "/web"

    def __enter__(self) -> "WebServer":
        self._http.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.__exit__(*exc)
        self.state.close()


class WebClient:
    """HTTP to the pages, keeping cookies itself: httpx's jar would never send a Secure cookie over
    plain HTTP, while browsers do on loopback, which is where these tests run."""

    def __init__(self, server: WebServer, *, local_address: str | None = None):
        """``local_address``: another loopback address (127.0.0.2, ...) to come from, as another client would."""
        self.server = server
        transport = httpx.HTTPTransport(local_address=local_address) if local_address else None
        self.http = httpx.Client(base_url=server.url, follow_redirects=False, timeout=30, transport=transport)
        self.cookies: dict[str, str] = {}

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.http.cookies.clear()
        response = self.http.request(method, path, headers=headers, **kwargs)
        for header in response.headers.get_list("set-cookie"):
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value.strip('"'):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def forms(self, page_path: str) -> dict[str, str]:
        """The CSRF token of every form on a page, by the form's action."""
        page = self.get(page_path)
        assert page.status_code == 200, page.text
        return {action.replace("&amp;", "&"): token for action, token in CSRF.findall(page.text)}

    def submit(self, page_path: str, action: str, data: dict[str, Any]) -> httpx.Response:
        """Posts a form the way a browser would: with the token the page gave it."""
        token = self.forms(page_path)[action]
        return self.post(action, data={**data, "csrf_token": token})

    def login(self, email: str, password: str = PASSWORD) -> httpx.Response:
        return self.submit("/web/login", "/web/login", {"email": email, "password": password, "next": ""})
