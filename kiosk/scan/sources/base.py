"""What every frame source does: open, hand out grayscale frames, close.

    SourceError
     ├── SourceUnavailable   open() failed: state "missing", "busy" or "unavailable"
     └── SourceLost          read() failed mid-session: unplugged or broken

Frames are 2-D ``uint8`` numpy arrays (grayscale): the decoders want nothing
else, and a camera's luma plane is the cheapest thing to hand over.
"""

from __future__ import annotations

import time
from typing import Protocol

import numpy as np

Frame = np.ndarray


class SourceError(Exception):
    """A frame source cannot deliver; ``message`` is for people."""


class SourceUnavailable(SourceError):
    def __init__(self, state: str, message: str):
        super().__init__(message)
        self.state = state  # "missing", "busy" or "unavailable"
        self.message = message


class SourceLost(SourceError):
    pass


class FrameSource(Protocol):
    name: str
    live: bool  # a camera (reconnect when lost) rather than files that come to an end

    def open(self) -> None:
        """Gets the source ready; raises SourceUnavailable."""

    def read(self) -> Frame | None:
        """The next frame; None once a finite source has no more; raises SourceLost."""

    def close(self) -> None: ...


class Pacer:
    """Holds a finite source to a frame rate, so files play like a camera would."""

    def __init__(self, fps: float | None):
        self.interval = 1.0 / fps if fps else 0.0
        self._next = 0.0

    def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if self._next > now:
            time.sleep(self._next - now)
        self._next = max(self._next, now) + self.interval


def to_gray(image: np.ndarray) -> Frame:
    """A grayscale frame from a gray, BGR or BGRA image."""
    import cv2

    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
