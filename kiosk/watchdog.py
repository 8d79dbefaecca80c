"""Tells systemd the kiosk is up and its UI loop alive (the sd_notify protocol).

systemd passes ``NOTIFY_SOCKET`` (a unix datagram socket) to a ``Type=notify``
service, and ``WATCHDOG_USEC`` when the unit has ``WatchdogSec=``. The app
calls :func:`notify_ready` once its first screen is up and
:meth:`Watchdog.feed` on every frame of the UI loop: if the loop freezes, the
feeding stops and systemd restarts the kiosk. Outside systemd (a laptop, the
tests, ``make demo``) every call here does nothing.

    watchdog = Watchdog()
    Clock.schedule_interval(lambda dt: watchdog.feed(), 0)
    notify_ready()
"""

from __future__ import annotations

import os
import socket
import time
from typing import Callable, Mapping


def _address(env: Mapping[str, str]) -> str | None:
    path = env.get("NOTIFY_SOCKET", "")
    if path.startswith("@"):  # abstract namespace socket
        return "\0" + path[1:]
    return path if path.startswith("/") else None


def notify(state: str, env: Mapping[str, str] | None = None) -> bool:
    """Sends one state line (``READY=1``, ``STATUS=...``) to systemd.

    Returns False when not running under systemd or when systemd cannot be
    reached; the kiosk must keep working either way.
    """
    address = _address(os.environ if env is None else env)
    if address is None:
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.sendto(state.encode(), address)
    except OSError:
        return False
    return True


def notify_ready(env: Mapping[str, str] | None = None) -> bool:
    """Startup is complete: systemd marks the service active and arms the watchdog."""
    return notify("READY=1", env)


def notify_stopping(env: Mapping[str, str] | None = None) -> bool:
    """A clean exit has begun, so a slow shutdown is not taken for a hang."""
    return notify("STOPPING=1", env)


class Watchdog:
    """Feeds systemd's watchdog at most every half ``WATCHDOG_USEC``; cheap to call every frame."""

    def __init__(self, env: Mapping[str, str] | None = None,
                 clock: Callable[[], float] = time.monotonic):
        env = os.environ if env is None else env
        self._clock = clock
        self._address = _address(env)
        self.interval: float | None = None
        usec = env.get("WATCHDOG_USEC", "")
        pid = env.get("WATCHDOG_PID", "")
        # WATCHDOG_PID names the process the watchdog is meant for; a child
        # that inherited the environment must not feed it.
        if self._address and usec.isdigit() and int(usec) > 0 and pid in ("", str(os.getpid())):
            self.interval = int(usec) / 1_000_000 / 2
        self._next = float("-inf")
        self._sock: socket.socket | None = None

    @property
    def enabled(self) -> bool:
        return self.interval is not None

    def feed(self) -> bool:
        """Sends ``WATCHDOG=1`` if half the timeout has passed since the last one; True if sent."""
        if self.interval is None:
            return False
        now = self._clock()
        if now < self._next:
            return False
        try:
            if self._sock is None:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            self._sock.sendto(b"WATCHDOG=1", self._address)
        except OSError:
            self.close()  # reconnect next time; systemd may be restarting
            return False
        self._next = now + self.interval
        return True

    ping = feed

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
