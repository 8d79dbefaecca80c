"""Fuzzing the published OpenAPI description: whatever arrives, no 5xx, and a refusal stores nothing.

Requests are drawn from the server's own /openapi.json: each path and method,
with bodies that are valid-looking, mutated, random JSON or random bytes, with
and without gzip, with a good, bad or missing token.
"""

from __future__ import annotations

import gzip
import json
import os

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync import protocol

EXAMPLES = int(os.environ.get("TOOLKIOSK_FUZZ_EXAMPLES", "300"))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20)

event_like = st.fixed_dictionaries({}, optional={
    "id": st.text(max_size=70) | json_values, "library": st.sampled_from(["maple", "oak", "x"]) | json_values,
    "device": st.text(max_size=12) | json_values, "seq": st.integers(-5, 2**64) | json_values,
    "hlc": st.integers(-5, 2**64) | json_values,
    "type": st.sampled_from(["tool.added", "tool.edited", "loan.opened", "loan.returned", "member.added",
                             "conflict.opened", "conflict.resolved", "library.configured", "x.y"]) | json_values,
    "v": st.integers(-1, 3) | json_values, "entity": st.text(max_size=20) | json_values,
    "payload": st.dictionaries(st.sampled_from(["code", "fields", "loan_id", "tool", "member", "due", "at",
                                                "condition", "conflict_id", "resolution"]),
                               json_values, max_size=6) | json_values,
})

sync_like = st.fixed_dictionaries({}, optional={
    "protocol": st.integers(-1, 3) | json_values, "library": st.sampled_from(["maple", "oak", "nowhere"]) | json_values,
    "device": st.text(max_size=14) | json_values, "events": st.lists(event_like, max_size=4) | json_values,
    "cursors": st.dictionaries(st.sampled_from(["maple", "oak", "zz"]), st.integers(-3, 2**64) | json_values,
                               max_size=3) | json_values,
    "limit": st.integers(-3, 10**6) | json_values,
})


@pytest.fixture
def fuzz_target(kiosk, server):
    ledger = kiosk("maple")
    spec = requests.get(server.url + "/openapi.json", timeout=5).json()
    operations = [(path, method) for path, item in spec["paths"].items() for method in item]
    return server, ledger, operations


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_request_makes_the_server_fail(fuzz_target, data):
    server, ledger, operations = fuzz_target
    path, method = data.draw(st.sampled_from(operations))
    path = path.replace("{sha256}", data.draw(st.sampled_from(["a" * 64, "0" * 63, "ZZ", "..%2F..", "a" * 65])))
    body_kind = data.draw(st.sampled_from(["sync", "sync", "json", "bytes", "empty"]))
    if body_kind == "sync":
        body = data.draw(sync_like)
        if data.draw(st.booleans()) and isinstance(body, dict):
            body.setdefault("device", ledger.device["id"])
            body.setdefault("library", "maple")
            body.setdefault("protocol", 1)
        raw = json.dumps(body).encode()
    elif body_kind == "json":
        raw = json.dumps(data.draw(json_values)).encode()
    elif body_kind == "bytes":
        raw = data.draw(st.binary(max_size=200))
    else:
        raw = b""
    headers = {"Content-Type": data.draw(st.sampled_from(["application/json", "text/plain", "image/jpeg"]))}
    if data.draw(st.booleans()):
        raw = gzip.compress(raw)
        headers["Content-Encoding"] = data.draw(st.sampled_from(["gzip", "deflate", "br"]))
    auth = data.draw(st.sampled_from(["good", "bad", "none", "odd"]))
    if auth == "good":
        headers["Authorization"] = f"Bearer {ledger.meta('sync.token')}"
    elif auth == "bad":
        headers["Authorization"] = "Bearer tk_" + data.draw(st.text(alphabet="abc", max_size=10))
    elif auth == "odd":
        headers["Authorization"] = data.draw(st.sampled_from(["Basic Zm9v", "Bearer", "bearer  ", "Token x"]))
    before = len(server.storage.events("maple", limit=10_000))
    response = requests.request(method.upper(), server.url + path, data=raw, headers=headers, timeout=10)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert len(server.storage.events("maple", limit=10_000)) == before
        assert response.json()["error"]["message"]
    elif path == protocol.SYNC_PATH:
        protocol.parse_sync_response(protocol.decode(response.content))
