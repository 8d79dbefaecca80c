"""Hybrid logical clock: wall-clock milliseconds plus a counter, packed in one integer.

The stamp never runs backwards, even when the Pi boots with its clock at 1970:
the last stamp is persisted and every stamp seen from other devices (and the
server's time) pushes it forward. Stamps order events across devices; they
are never used as sync cursors.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timezone

COUNTER_BITS = 16
COUNTER_MASK = (1 << COUNTER_BITS) - 1


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


def pack(physical_ms: int, counter: int) -> int:
    return (physical_ms << COUNTER_BITS) | counter


def physical_ms(stamp: int) -> int:
    return stamp >> COUNTER_BITS


def tick(last: int, now_ms: int) -> int:
    """The next local stamp after ``last`` at wall time ``now_ms``."""
    last_ms, counter = last >> COUNTER_BITS, last & COUNTER_MASK
    if now_ms > last_ms:
        return pack(now_ms, 0)
    if counter == COUNTER_MASK:  # a burst of 65k events in one millisecond: borrow the next one
        return pack(last_ms + 1, 0)
    return pack(last_ms, counter + 1)


def observe(last: int, remote: int, now_ms: int) -> int:
    """The local stamp after seeing ``remote``: later than both, as HLC prescribes."""
    return tick(max(last, remote), now_ms)


def stamp_date(stamp: int) -> date:
    """The kiosk's local calendar date of a stamp's physical part."""
    return datetime.fromtimestamp(physical_ms(stamp) / 1000).date()


def stamp_iso(stamp: int) -> str:
    moment = datetime.fromtimestamp(physical_ms(stamp) / 1000, tz=timezone.utc)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")
