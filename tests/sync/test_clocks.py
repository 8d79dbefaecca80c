"""One wrong clock must not move anyone else's date: a real server on loopback, kiosks speaking HTTP.

A kiosk whose clock runs decades ahead, a device sending the largest stamp
there is, a server that stored such stamps before it refused them, and a
partner whose clock runs ahead within the drift allowed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import requests

from kiosk.ledger import Ledger, clock, rules
from kiosk.ledger.ids import uuid7
from sync import protocol
from sync.client import META_TOKEN, SyncClient, quarantined, read_status
from sync.server import open_storage
from tests.sync.helpers import SERVER_BIN, ServerThread, new_kiosk

YEAR_MS = 365 * clock.DAY_MS
HOUR_MS = 3_600_000


def _stock(ledger: Ledger) -> None:
    ledger.add_tool("T1", "Drill")
    ledger.add_tool("T2", "Saw")
    ledger.add_member("M1", "Ana Lopez", expires=(date.today() + timedelta(days=300)).isoformat())
    ledger.accept_waiver("M1")


def _clock_now(ledger: Ledger) -> int:
    """The physical part of the kiosk's hybrid clock, in ms."""
    return clock.physical_ms(int(ledger.meta("hlc")))


def _push(server, ledger: Ledger, events: list[dict]) -> dict:
    """A sync request sent as any device could send it, with the kiosk's token."""
    body = protocol.encode({"protocol": protocol.PROTOCOL, "library": ledger.library["slug"],
                            "device": ledger.device["id"], "events": events, "cursors": {}})
    reply = requests.post(server.url + protocol.SYNC_PATH, data=body, timeout=10,
                          headers={"Authorization": f"Bearer {ledger.meta(META_TOKEN)}",
                                   "Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert reply.status_code == 200, reply.text
    return reply.json()


def _wire(ledger: Ledger, seq: int, stamp: int, code: str) -> dict:
    return {"id": uuid7(), "library": ledger.library["slug"], "device": ledger.device["id"], "seq": seq,
            "hlc": stamp, "type": "tool.added", "v": 1, "entity": f"tool:{code}",
            "payload": {"code": code, "fields": {"name": f"Tool {code}"}}}


def test_a_kiosk_whose_clock_runs_decades_ahead_moves_no_other_kiosks_date(kiosk, server):
    honest = kiosk("maple")
    _stock(honest)
    SyncClient(honest).sync()
    ahead = kiosk("maple", wall=lambda: clock.wall_ms() + 70 * YEAR_MS + clock.DAY_MS)
    ahead.add_tool("F1", "Tool from 2096")
    report = SyncClient(ahead).sync()
    # every event it stamped in 2096 is refused, with the reason, and kept out of the library
    assert report.quarantined and {q["reason"] for q in report.quarantined} == {"clock_ahead"}
    assert "70 years ahead of the server's clock" in report.quarantined[0]["message"]
    assert not [e for _, e in server.storage.events("maple") if e.device == ahead.device["id"]]
    # the server flags the device and tells the kiosk
    flagged = {d["id"]: d for d in server.storage.devices("maple")}
    assert flagged[ahead.device["id"]]["clock_ahead_ms"] > 69 * YEAR_MS
    assert flagged[honest.device["id"]]["clock_ahead_ms"] is None
    assert read_status(ahead).clock_ahead_ms > 69 * YEAR_MS
    assert {f["reason"] for f in server.storage.flags("maple")} == {"clock_ahead"}

    # the honest kiosk's date, clock and due dates stay where they are
    SyncClient(honest).sync()
    assert honest.today() == date.today()
    assert _clock_now(honest) <= clock.wall_ms()
    loan = honest.checkout("M1", ["T1"])[0]
    settings = honest.settings
    assert loan["due"] == rules.due_date(date.today(), rules.loan_days(honest.tool("T1"), settings),
                                         settings).isoformat()

    # the kiosk that ran ahead now dates and stamps by the server's clock: its next events get through
    assert ahead.today() == date.today()
    ahead.add_tool("F2", "Added after hearing the server")
    SyncClient(ahead).sync()
    SyncClient(honest).sync()
    assert honest.find_tool("F2") is not None and honest.find_tool("F1") is None
    assert honest.today() == date.today()


def test_the_largest_stamp_is_refused_where_it_enters_and_breaks_no_write(kiosk, server):
    honest = kiosk("maple")
    _stock(honest)
    SyncClient(honest).sync()
    hostile = kiosk("maple")
    answer = _push(server, hostile, [_wire(hostile, 1, clock.MAX_STAMP, "X1"),
                                     _wire(hostile, 2, clock.MAX_STAMP + 1, "X2"),
                                     _wire(hostile, 3, clock.pack(clock.wall_ms(), 0), "X3")])
    reasons = {r["id"]: r["reason"] for r in answer["rejected"]}
    assert sorted(reasons.values()) == ["clock_ahead", "invalid"]
    assert answer["clock_ahead_ms"] > 1000 * YEAR_MS
    assert len(answer["acks"]) == 1                       # the honest event of the same request got through
    SyncClient(honest).sync()
    assert honest.find_tool("X3") is not None and honest.find_tool("X1") is None
    honest.add_tool("T3", "Ladder")                       # no OverflowError, no date in 6429
    assert honest.today() == date.today()
    assert {d["id"]: d["clock_ahead_ms"] for d in server.storage.devices("maple")}[hostile.device["id"]] > 0


def test_stamps_an_older_server_let_in_move_no_kiosk(tmp_path, storage, kiosk, server):
    honest = kiosk("maple")
    _stock(honest)
    SyncClient(honest).sync()
    # the server before this fix stored whatever stamp came: stand in for it with one whose clock says 6429
    device, _ = storage.enroll(storage.invite("maple", "old"), "maple", "old")
    older = open_storage(tmp_path / "server", now_ms=lambda: clock.physical_ms(clock.MAX_STAMP))
    stored = older.ingest(device, [
        {**_wire(honest, 1, clock.MAX_STAMP, "X1"), "device": device.id},
        {**_wire(honest, 2, clock.pack(clock.wall_ms() + 70 * YEAR_MS, 0), "X2"), "device": device.id}])
    older.close()
    assert len(stored.acks) == 2
    SyncClient(honest).sync()
    assert honest.find_tool("X1") is not None             # kept and ordered like any event
    assert honest.today() == date.today()
    assert _clock_now(honest) <= clock.wall_ms()
    honest.checkout("M1", ["T2"])
    honest.edit_tool("T2", name="Hand saw")
    SyncClient(honest).sync()
    # the server's own events (a conflict settled on the web) are stamped now, not past the largest stamp
    event = storage.append_server_event("maple", "tool.edited", "tool:T1", {"code": "T1", "fields": {"shelf": "B2"}})
    assert clock.physical_ms(event.hlc) <= clock.wall_ms()


def test_a_partners_catalog_never_moves_a_kiosks_clock(kiosk, server):
    maple = kiosk("maple")
    oak = kiosk("oak", wall=lambda: clock.wall_ms() + 20 * HOUR_MS)   # ahead, but within the day allowed
    oak.add_tool("O1", "Oak's log splitter")
    SyncClient(oak).sync()
    assert [e for _, e in server.storage.events("oak") if e.device == oak.device["id"]]
    SyncClient(maple).sync()
    assert any(t["code"] == "O1" for t in maple.list_tools(all_libraries=True))
    assert _clock_now(maple) <= clock.wall_ms()
    assert maple.today() == date.today()


def test_the_drift_allowed_is_the_servers_setting(tmp_path):
    storage = open_storage(tmp_path / "server", max_ahead_ms=HOUR_MS)
    storage.add_library("maple", "Maple")
    with ServerThread(storage) as server:
        two_hours = new_kiosk(tmp_path / "a", storage, server.url, "maple",
                              wall=lambda: clock.wall_ms() + 2 * HOUR_MS)
        half_hour = new_kiosk(tmp_path / "b", storage, server.url, "maple",
                              wall=lambda: clock.wall_ms() + HOUR_MS // 2)
        report = SyncClient(two_hours).sync()
        assert {q["reason"] for q in report.quarantined} == {"clock_ahead"}
        assert "(at most 1 hour is allowed)" in report.quarantined[0]["message"]
        assert SyncClient(half_hour).sync().quarantined == []
        assert read_status(half_hour).clock_ahead_ms is None
        for ledger in (two_hours, half_hour):
            ledger.close()
    storage.close()


def test_the_server_command_refuses_a_drift_setting_out_of_range(tmp_path):
    for value in ("0", "-1", "169", "nan", "a day"):
        done = subprocess.run([str(SERVER_BIN), "--data", str(tmp_path / "data"), "serve", "--max-clock-ahead", value],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 2 and "is not a number of hours from 0.02 to 168" in done.stderr


def test_toolkiosk_status_says_the_clock_runs_ahead(tmp_path):
    """A real `toolkiosk` process; the server's clock is three days behind, so the kiosk's runs ahead."""
    behind = lambda: clock.wall_ms() - 3 * clock.DAY_MS  # noqa: E731
    storage = open_storage(tmp_path / "server", now_ms=behind)
    storage.add_library("maple", "Maple")
    env = {**os.environ, "TOOLKIOSK_HOME": str(tmp_path / "kiosk")}
    run = lambda *args: subprocess.run([sys.executable, "-m", "kiosk.cli", *args],  # noqa: E731
                                       capture_output=True, text=True, env=env, timeout=120)
    with ServerThread(storage, now_ms=behind) as server:
        assert run("init", "--library", "maple", "--name", "Maple").returncode == 0
        enrolled = run("enroll", "--server", server.url, "--code", storage.invite("maple", "front desk"))
        assert enrolled.returncode == 0, enrolled.stderr
        assert run("tools", "add", "--code", "T1", "--name", "Drill").returncode == 0
        synced = run("sync")
        assert synced.returncode == 0, synced.stderr
        assert "(clock_ahead)" in synced.stderr and "runs 3.0 days ahead of the server" in synced.stdout
        status = run("status")
        assert status.returncode == 0
        assert "runs 3.0 days ahead of the server" in status.stdout
        ledger = Ledger.open(tmp_path / "kiosk")
        assert ledger.today() == date.fromtimestamp(behind() / 1000)   # its dates follow the server's clock
        assert {q["reason"] for q in quarantined(ledger).values()} == {"clock_ahead"}
        ledger.close()
    storage.close()


def test_a_kiosk_years_behind_dates_by_the_server_once_it_has_heard_it(kiosk, server):
    behind = kiosk("maple", wall=lambda: clock.wall_ms() - 2 * YEAR_MS)
    _stock(behind)
    assert behind.today() < date.today() - timedelta(days=700)   # offline, it can only trust its own clock
    assert SyncClient(behind).sync().quarantined == []            # behind is no reason to refuse
    assert behind.today() == date.today()
    loan = behind.checkout("M1", ["T1"])[0]
    assert date.today() < date.fromisoformat(loan["due"]) <= date.today() + timedelta(days=14)
    assert read_status(behind).clock_ahead_ms is None


def test_a_kiosk_refuses_an_answer_whose_numbers_do_not_fit(kiosk, server):
    """A server (or whatever answers in its place) cannot make the kiosk store a stamp no column holds."""
    ledger = kiosk("maple")
    good = {"protocol": protocol.PROTOCOL, "server_time_ms": clock.wall_ms(), "acks": {}, "events": [],
            "cursors": {}, "more": False}
    event = _wire(ledger, 1, clock.MAX_STAMP + 1, "X1")
    for bad in ({**good, "server_time_ms": 1 << 64}, {**good, "server_time_ms": -5},
                {**good, "events": [event]}, {**good, "clock_ahead_ms": -1}):
        try:
            protocol.parse_sync_response(bad)
        except protocol.ProtocolError as exc:
            assert exc.code == "bad_answer"
        else:
            raise AssertionError(f"accepted {bad}")
    assert protocol.parse_sync_response({**good, "events": [{**event, "hlc": clock.MAX_STAMP}]}).events


def test_a_clock_set_right_after_the_warning_keeps_the_date_while_offline(kiosk, server):
    """The offset the last sync measured is stale once someone fixes the clock; the date must not
    fall back by what the clock was wrong until the next sync measures it again."""
    wall = [clock.wall_ms() + 3 * clock.DAY_MS]
    ledger = kiosk("maple", wall=lambda: wall[0])
    _stock(ledger)
    SyncClient(ledger).sync()
    assert read_status(ledger).clock_ahead_ms > 2 * clock.DAY_MS and ledger.today() == date.today()
    wall[0] = clock.wall_ms()                  # set right, as the coordinator's screen asked; no network now
    assert ledger.today() == date.today()
    loan = ledger.checkout("M1", ["T1"])[0]
    assert loan["opened_at"] == date.today().isoformat()
    SyncClient(ledger).sync()
    assert read_status(ledger).clock_ahead_ms is None and ledger.today() == date.today()
