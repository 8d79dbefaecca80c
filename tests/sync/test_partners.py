"""Partnerships begin and end: the catalog and availability flow while they last, and only then."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sync.client import SyncClient
from sync.server.errors import NotFound

SERVER_BIN = Path(sys.executable).parent / "toolkiosk-server"


def test_after_unpartnering_neither_library_hears_of_the_other(kiosk, server):
    maple, oak = kiosk("maple"), kiosk("oak")
    maple.add_tool("T1", "Drill")
    SyncClient(maple).sync()
    SyncClient(oak).sync()
    assert [t["code"] for t in oak.list_tools(all_libraries=True)] == ["T1"]
    server.storage.remove_partners("oak", "maple")
    assert server.storage.partners("maple") == [] and server.storage.partners("oak") == []
    maple.add_tool("T2", "Saw")
    oak.add_tool("O1", "Ladder")
    for ledger in (maple, oak, maple):
        SyncClient(ledger).sync()
    assert "T2" not in {t["code"] for t in oak.list_tools(all_libraries=True)}
    assert {t["library"] for t in maple.list_tools(all_libraries=True)} == {"maple"}
    with pytest.raises(NotFound):
        server.storage.remove_partners("maple", "oak")
    server.storage.add_partners("maple", "oak")  # partners again: the catalog catches up
    SyncClient(oak).sync()
    assert {"T1", "T2"} <= {t["code"] for t in oak.list_tools(all_libraries=True)}


def test_the_unpartner_command(tmp_path):
    data = str(tmp_path / "server")
    run = lambda *args: subprocess.run([str(SERVER_BIN), "--data", data, *args], capture_output=True, text=True,  # noqa: E731
                                       timeout=60)
    for slug in ("maple", "oak"):
        assert run("library", "add", slug, "--name", slug.title()).returncode == 0
    assert run("library", "partner", "maple", "oak").returncode == 0
    done = run("library", "unpartner", "oak", "maple")
    assert done.returncode == 0 and "no longer see each other's catalog" in done.stdout
    assert '"partners": ""' in run("--json", "library", "list").stdout
    again = run("library", "unpartner", "maple", "oak")
    assert again.returncode == 1 and "not partners" in again.stderr
    unknown = run("library", "unpartner", "maple", "nowhere")
    assert unknown.returncode == 1 and "no library 'nowhere'" in unknown.stderr
