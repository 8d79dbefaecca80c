"""Per-frame reads into scan events: a code counts once while it stays in view.

A read becomes an event only when ``confirm_frames`` frames agree on it within
``confirm_window`` seconds, so a single-frame misread never registers (the
decoder has already checked check digits). Once counted, a code is held; it
can count again only after no frame has shown it for ``rearm_after`` seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.scan.events import Code


@dataclass
class _Sighting:
    count: int
    last_seen: float


class Debouncer:
    def __init__(self, confirm_frames: int = 2, confirm_window: float = 0.5, rearm_after: float = 1.0):
        if confirm_frames < 1:
            raise ValueError("confirm_frames must be at least 1")
        self.confirm_frames = confirm_frames
        self.confirm_window = confirm_window
        self.rearm_after = rearm_after
        self._pending: dict[Code, _Sighting] = {}
        self._held: dict[Code, float] = {}  # code -> when a frame last showed it

    def update(self, codes: list[Code], now: float) -> list[Code]:
        """Feeds one decoded frame (taken at ``now``, monotonic seconds); returns the codes that count now."""
        seen = set(codes)
        for code in seen & self._held.keys():
            self._held[code] = now
        self._held = {c: t for c, t in self._held.items() if now - t < self.rearm_after}
        counted = []
        for code in codes:
            if code in self._held:
                continue
            sighting = self._pending.get(code)
            if sighting is None or now - sighting.last_seen > self.confirm_window:
                sighting = self._pending[code] = _Sighting(0, now)
            sighting.count += 1
            sighting.last_seen = now
            if sighting.count >= self.confirm_frames:
                counted.append(code)
                self._held[code] = now
                del self._pending[code]
        self._pending = {c: s for c, s in self._pending.items() if now - s.last_seen <= self.confirm_window}
        return counted
