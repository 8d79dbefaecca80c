"""POST /v1/sync is served as a plain route (``app.PlainRoute``): described in /openapi.json as before,
and every refusal keeps its status and body; rounds take turns as the storage asks."""

from __future__ import annotations

import gzip
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from sync import protocol
from sync.client import SyncClient
from sync.server import app as app_module
from tests.sync.helpers import ServerThread
from tests.sync.test_server_api import token

TOKEN_HINT = "send the device token as 'Authorization: Bearer <token>'; enroll with `toolkiosk enroll`"


def _body(device: str, **fields) -> bytes:
    return json.dumps({"protocol": protocol.PROTOCOL, "library": "maple", "device": device, **fields}).encode()


@pytest.mark.parametrize("name, auth, make_body, headers, status, code, message", [
    ("no token", None, lambda d: b"{}", {}, 401, "unauthorized", TOKEN_HINT),
    ("another scheme", "Basic x", lambda d: b"{}", {}, 401, "unauthorized", TOKEN_HINT),
    ("unknown token", "Bearer tk_nope", lambda d: b"{}", {}, 401, "unauthorized",
     "this device token is not known here; enroll the kiosk with `toolkiosk enroll`"),
    ("not JSON", "", lambda d: b"{nope", {}, 400, "malformed_json",
     "the body is not valid JSON: its brackets do not match"),
    ("not gzip", "", lambda d: b"\x1f\x8bxx", {"Content-Encoding": "gzip"}, 400, "malformed_gzip",
     "the body is not valid gzip: Error -3 while decompressing data: unknown compression method"),
    ("brotli", "", lambda d: b"{}", {"Content-Encoding": "br"}, 415, "unsupported_encoding",
     "content encoding 'br' is not supported; use gzip"),
    ("too large", "", lambda d: b" " * (protocol.MAX_BODY_BYTES + 1), {}, 413, "too_large",
     f"the body is over {protocol.MAX_BODY_BYTES} bytes"),
    ("gzip bomb", "", lambda d: gzip.compress(b" " * (protocol.MAX_JSON_BYTES + 10)), {"Content-Encoding": "gzip"},
     413, "too_large", f"the body is over {protocol.MAX_JSON_BYTES} bytes once decompressed"),
    ("an array", "", lambda d: b"[]", {}, 422, "invalid", "the request must be a JSON object"),
    ("too deep", "", lambda d: b"[" * 40 + b"]" * 40, {}, 422, "too_deep",
     f"the body is nested more than {protocol.MAX_DEPTH} levels deep"),
    ("too old", "", lambda d: _body(d, protocol=0), {}, 426, "upgrade_required",
     "this kiosk speaks sync protocol 0; the server needs 1 or newer. Upgrade toolkiosk on this kiosk."),
    ("no such library", "", lambda d: _body(d, library="nowhere"), {}, 404, "not_found",
     "no library 'nowhere' on this server; add it with `toolkiosk-server library add nowhere`"),
    ("another device", "", lambda d: _body("SOMEONEELSE"), {}, 403, "forbidden", None),
])
def test_refusals_keep_their_status_and_body(kiosk, server, name, auth, make_body, headers, status, code, message):
    ledger = kiosk("maple")
    device = ledger.device["id"]
    authorization = f"Bearer {token(ledger)}" if auth == "" else auth
    r = requests.post(server.url + protocol.SYNC_PATH, data=make_body(device), timeout=30,
                      headers={**headers, **({"Authorization": authorization} if authorization else {})})
    message = message or f"this token belongs to the device {device}, not SOMEONEELSE"
    assert (r.status_code, r.headers["content-type"], r.json()) == (
        status, "application/json", {"error": {"code": code, "message": message}}), name


def test_other_methods_are_refused_as_before(server):
    for method in ("GET", "PUT"):
        r = requests.request(method, server.url + protocol.SYNC_PATH, timeout=10)
        assert (r.status_code, r.json()) == (405, {"error": {"code": "http", "message": "Method Not Allowed"}})


def test_the_route_is_described_as_before(server):
    spec = requests.get(server.url + "/openapi.json", timeout=5).json()
    post = spec["paths"][protocol.SYNC_PATH]["post"]
    assert post["operationId"] == "sync_v1_sync_post" and post["security"] == [{"bearer": []}]
    assert post["requestBody"]["content"]["application/json"]["schema"] == protocol.SYNC_REQUEST_SCHEMA
    assert post["responses"]["200"]["content"]["application/json"]["schema"] == protocol.SYNC_RESPONSE_SCHEMA
    assert set(post["responses"]) == {"200", "400", "401", "403", "404", "413", "415", "422", "426"}
    assert "parameters" not in post


def test_an_answer_is_gzipped_only_for_a_kiosk_that_takes_gzip(kiosk, server):
    ledger, other = kiosk("maple"), kiosk("maple")
    SyncClient(other).sync()
    for accept, gzipped in (("gzip", True), ("identity", False)):
        r = requests.post(server.url + protocol.SYNC_PATH, data=_body(ledger.device["id"]), timeout=10, stream=True,
                          headers={"Authorization": f"Bearer {token(ledger)}", "Accept-Encoding": accept})
        raw = r.raw.read(decode_content=False)
        assert r.status_code == 200 and r.headers["content-type"] == "application/json"
        assert (r.headers.get("content-encoding") == "gzip") is gzipped
        answer = json.loads(gzip.decompress(raw) if gzipped else raw)
        assert [e["id"] for e in answer["events"]] == [e.id for e in other.events()] and answer["more"] is False


def test_rounds_take_turns_as_the_storage_asks(storage, monkeypatch):
    assert storage.rounds_at_once == 1   # SQLite: one at a time (PostgreSQL: its pool's connections)
    running, most, lock = 0, 0, threading.Lock()

    def slow_round(*args):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return b"{}"

    monkeypatch.setattr(app_module, "_sync", slow_round)
    with ServerThread(storage) as server, ThreadPoolExecutor(4) as pool:
        posts = [pool.submit(requests.post, server.url + protocol.SYNC_PATH, data=b"{}", timeout=10,
                             headers={"Authorization": "Bearer tk_any", "Accept-Encoding": "identity"})
                 for _ in range(4)]
        assert [p.result().status_code for p in posts] == [200] * 4
    assert most == 1
