"""The camera thread: reads frames, hands them on, and survives the camera coming and going.

A camera that is missing, busy or unplugged mid-session is reported once
through ``on_status`` and retried with growing pauses; when it comes back
that is reported too. USB scanners and typed entry do not depend on this
thread, so they keep working meanwhile.
"""

from __future__ import annotations

import logging
import time
from typing import Callable

from kiosk.scan.events import CAMERA, StatusEvent
from kiosk.scan.loop import ThreadLoop
from kiosk.scan.sources.base import Frame, FrameSource, SourceLost, SourceUnavailable

log = logging.getLogger(__name__)


class CameraReader(ThreadLoop):
    """Reads ``source`` on a thread, calling ``on_frame(frame, captured_at)`` for each frame."""

    thread_name = "scan-camera"

    def __init__(
        self,
        source: FrameSource,
        on_frame: Callable[[Frame, float], None],
        on_status: Callable[[StatusEvent], None],
        *,
        retry_after: float = 0.5,
        retry_max: float = 5.0,
    ):
        super().__init__()
        self.source = source
        self.on_frame = on_frame
        self.on_status = on_status
        self.retry_after = retry_after
        self.retry_max = retry_max
        self.state = "starting"
        self._latest: tuple[int, Frame] | None = None
        self._serial = 0

    @property
    def latest_frame(self) -> tuple[int, Frame] | None:
        """(serial, the newest frame read, grayscale) for a preview on screen; None while there is none."""
        return self._latest

    def _report(self, state: str, message: str) -> None:
        if state != self.state:
            self.state = state
            self.on_status(StatusEvent(CAMERA, state, message, time.monotonic(), self.source.name))

    def _run(self) -> None:
        pause = self.retry_after
        while not self._stop.is_set():
            try:
                self.source.open()
            except SourceUnavailable as exc:
                self._report(exc.state, exc.message)
                self._stop.wait(pause)
                pause = min(pause * 2, self.retry_max)
                continue
            except Exception as exc:  # a driver error must not end scanning: report it and retry
                log.exception("opening %s failed", self.source.name)
                self._report("unavailable", f"the camera could not be started: {exc}")
                self._stop.wait(pause)
                pause = min(pause * 2, self.retry_max)
                continue
            self._report("ready", f"{self.source.name} is on")
            pause = self.retry_after
            try:
                ended = self._read_frames()
            finally:
                self.source.close()
            if ended:
                self._report("ended", f"{self.source.name} has no more frames")
                return

    def _read_frames(self) -> bool:
        """Reads until stopped (False), lost (False, after reporting it) or at the end of a file source (True)."""
        while not self._stop.is_set():
            try:
                frame = self.source.read()
            except Exception as exc:  # SourceLost, or a driver failing in its own way: same remedy
                if not isinstance(exc, SourceLost):
                    log.exception("reading %s failed", self.source.name)
                self._report("lost", str(exc) or f"{self.source.name} stopped delivering frames")
                self._latest = None
                return False
            if frame is None:
                return not self.source.live
            captured_at = time.monotonic()
            self._serial += 1
            self._latest = (self._serial, frame)
            self.on_frame(frame, captured_at)
        return False
