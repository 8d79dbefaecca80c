"""How far ahead of the server's clock a kiosk's stamps may be, and how to say it in words.

The bound itself is the ledger's (``kiosk.ledger.clock.MAX_DRIFT_MS``, the
default); a server may set its own within ``MIN_AHEAD_MS``..``MAX_AHEAD_MS``.
"""

from __future__ import annotations

from kiosk.ledger import clock

# under a minute refuses honest kiosks whose clocks are merely imprecise;
# beyond a week lets one wrong clock reach every kiosk's ordering
MIN_AHEAD_MS, MAX_AHEAD_MS = 60_000, 7 * clock.DAY_MS


def describe_ms(ms: int) -> str:
    """A duration in the largest whole unit that fits: '3 days', '70 years', '5 minutes'."""
    for unit, size in (("year", 365 * clock.DAY_MS), ("day", clock.DAY_MS), ("hour", 3_600_000),
                       ("minute", 60_000)):
        if ms >= size:
            count = ms // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{ms // 1000} seconds"


def ahead_message(by_ms: int, allowed_ms: int) -> str:
    """Why an event stamped ``by_ms`` ahead of the server was refused."""
    return (f"this event is stamped {describe_ms(by_ms)} ahead of the server's clock (at most "
            f"{describe_ms(allowed_ms)} is allowed): the kiosk's clock is wrong; set it right, and the "
            "kiosk stamps its next events with the server's time")
