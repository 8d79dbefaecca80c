"""Hybrid logical clock: wall-clock milliseconds plus a counter, packed in one integer.

Stamps order events across devices; they never tell the date and are never
sync cursors. The date the rules use comes from ``trusted_ms``: the kiosk's
own wall clock, corrected by the server's time once a sync has measured the
difference. A stamp another device sent moves this kiosk's stamps only while
it is within ``MAX_DRIFT_MS`` of that trusted time, and never its date: one
kiosk with its clock in 2096 (or a hostile device) cannot push every other
kiosk into the future.

The bounds here are shared: the server refuses stamps further ahead of its own
time than its setting (``MAX_DRIFT_MS`` by default), and every stamp stored
anywhere fits a signed 64-bit integer (``MAX_STAMP``).
"""

from __future__ import annotations

import time
from datetime import date, datetime, timezone

COUNTER_BITS = 16
COUNTER_MASK = (1 << COUNTER_BITS) - 1
MAX_STAMP = (1 << 63) - 1                      # SQLite and PostgreSQL BIGINT
DAY_MS = 86_400_000
MAX_DRIFT_MS = DAY_MS                          # how far ahead of trusted time a stamp may be
# The latest wall time a stamp may carry: a day of drift and a counter borrow later, it still fits MAX_STAMP.
LATEST_MS = (MAX_STAMP >> COUNTER_BITS) - 2 * MAX_DRIFT_MS
# A wall clock before this has not been set (a Pi without a real-time clock boots at 1970):
# the kiosk then keeps the latest time it knew rather than going back in time.
CLOCK_SET_AFTER_MS = 1_735_689_600_000         # 2025-01-01, before this software existed


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


def pack(physical_ms: int, counter: int) -> int:
    return (physical_ms << COUNTER_BITS) | counter


def physical_ms(stamp: int) -> int:
    return stamp >> COUNTER_BITS


def trusted_ms(wall: int, offset_ms: int = 0, known_ms: int = 0, server_ms: int = 0) -> int:
    """The time dates and own stamps come from: the wall clock plus the offset the server's time
    showed (server minus wall, 0 when never measured), and never before ``server_ms``, the server's
    time at the last sync (a clock set right after that sync makes the offset stale until the next).
    ``known_ms``, the latest time this kiosk knew, counts only while the wall clock is unset: a
    kiosk's own clock once run ahead must not hold its date there. Always within 0..LATEST_MS."""
    now = max(wall + offset_ms, server_ms)
    if wall < CLOCK_SET_AFTER_MS:
        now = max(now, known_ms)
    return min(max(now, 0), LATEST_MS)


def within_reach(stamp: int, now_ms: int) -> bool:
    """Whether a stamp is no further ahead of the trusted time ``now_ms`` than the drift allowed."""
    return 0 <= stamp <= MAX_STAMP and physical_ms(stamp) <= now_ms + MAX_DRIFT_MS


def tick(last: int, now_ms: int) -> int:
    """The next local stamp after ``last`` at trusted time ``now_ms`` (within 0..LATEST_MS).

    A ``last`` beyond reach (written by older software that followed a stamp from the far future)
    is let go: the clock starts again from ``now_ms`` instead of staying in that future forever."""
    if not within_reach(last, now_ms):
        last = 0
    last_ms, counter = last >> COUNTER_BITS, last & COUNTER_MASK
    if now_ms > last_ms:
        return pack(now_ms, 0)
    if counter == COUNTER_MASK:  # a burst of 65k events in one millisecond: borrow the next one
        return pack(last_ms + 1, 0)
    return pack(last_ms, counter + 1)


def observe(last: int, remote: int, now_ms: int) -> int:
    """The local stamp after seeing ``remote``: later than both, as HLC prescribes, when ``remote``
    is within reach; a remote stamp further ahead is ignored (the event is still kept and ordered)."""
    return tick(max(last, remote) if within_reach(remote, now_ms) else last, now_ms)


def local_date(ms: int) -> date:
    """The kiosk's local calendar date at ``ms``."""
    return datetime.fromtimestamp(min(max(ms, 0), LATEST_MS) / 1000).date()


def stamp_date(stamp: int) -> date:
    """The kiosk's local calendar date of a stamp's physical part."""
    return local_date(physical_ms(stamp))


def stamp_iso(stamp: int) -> str:
    """A stamp's physical part as UTC text; any stamp in 0..MAX_STAMP has one."""
    moment = datetime.fromtimestamp(min(max(physical_ms(stamp), 0), LATEST_MS) / 1000, tz=timezone.utc)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")
