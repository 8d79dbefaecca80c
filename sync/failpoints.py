"""Named points where a test can have a process (server or kiosk) die, as a power cut would.

``TOOLKIOSK_FAILPOINTS="ingest.before_commit=kill"`` makes the process kill
itself with SIGKILL the first time it reaches that point (``=kill@3``: the third
time). Unset, every point is a no-op: production code pays one dict lookup.
"""

from __future__ import annotations

import os
import signal

_counts: dict[str, int] = {}


def _parse(spec: str) -> dict[str, int]:
    points = {}
    for item in filter(None, (s.strip() for s in spec.split(","))):
        name, _, action = item.partition("=")
        _, _, nth = action.partition("@")
        points[name] = int(nth or 1)
    return points


_armed = _parse(os.environ.get("TOOLKIOSK_FAILPOINTS", ""))


def reach(name: str) -> None:
    """Kills this process here if a test armed this point."""
    if name not in _armed:
        return
    _counts[name] = _counts.get(name, 0) + 1
    if _counts[name] == _armed[name]:
        os.kill(os.getpid(), signal.SIGKILL)
