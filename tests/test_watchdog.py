"""kiosk.watchdog against a real unix datagram socket standing in for systemd's NOTIFY_SOCKET."""

import os
import socket
import subprocess
import sys
import uuid
from typing import NamedTuple

import pytest

from kiosk.watchdog import Watchdog, notify, notify_ready, notify_stopping


class Systemd(NamedTuple):
    sock: socket.socket
    env: dict


@pytest.fixture
def systemd(tmp_path):
    """A bound datagram socket and the environment systemd would give the service."""
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(2)
    yield Systemd(sock, {"NOTIFY_SOCKET": str(path)})
    sock.close()


def received(sock) -> list[bytes]:
    """Every datagram waiting on the socket."""
    sock.setblocking(False)
    messages = []
    try:
        while True:
            messages.append(sock.recv(4096))
    except BlockingIOError:
        return messages
    finally:
        sock.settimeout(2)


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_ready_and_stopping_reach_the_socket(systemd):
    assert notify_ready(systemd.env) is True
    assert systemd.sock.recv(100) == b"READY=1"
    assert notify_stopping(systemd.env) is True
    assert systemd.sock.recv(100) == b"STOPPING=1"


def test_abstract_namespace_socket():
    name = f"toolkiosk-test-{uuid.uuid4()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        sock.settimeout(2)
        assert notify("STATUS=scanning", {"NOTIFY_SOCKET": "@" + name})
        assert sock.recv(100) == b"STATUS=scanning"


def test_not_under_systemd_is_a_quiet_no_op():
    assert notify_ready({}) is False
    watchdog = Watchdog(env={})
    assert not watchdog.enabled
    assert watchdog.feed() is False


def test_unreachable_socket_does_not_raise(tmp_path):
    env = {"NOTIFY_SOCKET": str(tmp_path / "gone"), "WATCHDOG_USEC": "1000000"}
    assert notify_ready(env) is False
    assert Watchdog(env=env).feed() is False


def test_feed_every_frame_sends_at_half_the_timeout(systemd):
    clock = FakeClock()
    watchdog = Watchdog(env={**systemd.env, "WATCHDOG_USEC": "30000000"}, clock=clock)
    assert watchdog.interval == 15.0
    sent = []
    for _frame in range(60 * 40):  # 40 s of frames at 60 fps
        sent.append(watchdog.feed())
        clock.now += 1 / 60
    assert sent.count(True) == 3  # at 0 s, 15 s and 30 s
    assert received(systemd.sock) == [b"WATCHDOG=1"] * 3
    watchdog.close()


def test_watchdog_meant_for_another_process_is_not_fed(systemd):
    env = {**systemd.env, "WATCHDOG_USEC": "1000000", "WATCHDOG_PID": str(os.getpid() + 1)}
    assert not Watchdog(env=env).enabled
    env["WATCHDOG_PID"] = str(os.getpid())
    assert Watchdog(env=env).enabled


def test_no_watchdog_configured_sends_nothing(systemd):
    watchdog = Watchdog(env=systemd.env)
    assert not watchdog.enabled
    assert watchdog.feed() is False
    assert received(systemd.sock) == []


def test_feeds_again_after_systemd_comes_back(tmp_path):
    path = tmp_path / "notify"
    clock = FakeClock()
    watchdog = Watchdog(env={"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "2000000"}, clock=clock)
    assert watchdog.feed() is False  # nobody listening yet
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        sock.settimeout(2)
        assert watchdog.feed() is True
        assert sock.recv(100) == b"WATCHDOG=1"
    watchdog.close()


def test_reads_the_environment_of_a_real_child_process(systemd):
    """What a service process sees: the variables come from os.environ."""
    code = ("import os; from kiosk.watchdog import Watchdog, notify_ready;"
            "os.environ['WATCHDOG_PID'] = str(os.getpid());"
            "w = Watchdog(); notify_ready(); print(w.interval, w.feed())")
    env = {**os.environ, **systemd.env, "WATCHDOG_USEC": "8000000"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["4.0", "True"]
    assert received(systemd.sock) == [b"READY=1", b"WATCHDOG=1"]
