"""The decode worker: its own thread, always on the newest frame.

The camera thread hands frames to ``submit``; a frame that arrives while the
worker is busy replaces the one waiting, which is dropped, never queued: the
worker cannot fall behind the camera, and what it decodes is at most one
frame old.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from kiosk.scan.debounce import Debouncer
from kiosk.scan.decoder import Decoder
from kiosk.scan.events import CAMERA, ScanEvent
from kiosk.scan.sources.base import Frame

log = logging.getLogger(__name__)


class DecodeWorker:
    """Decodes submitted frames on a thread and calls ``on_event`` for each code that counts.

    ``on_event`` runs on the worker thread; a UI hands it over to its own
    thread (Kivy: ``Clock.schedule_once``).
    """

    def __init__(self, decoder: Decoder, debouncer: Debouncer, on_event: Callable[[ScanEvent], None], source: str = CAMERA, device: str = ""):
        self.decoder = decoder
        self.debouncer = debouncer
        self.on_event = on_event
        self.source = source
        self.device = device
        self.frames_submitted = 0
        self.frames_decoded = 0
        self.frames_dropped = 0
        self._slot: tuple[Frame, float] | None = None
        self._wake = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="scan-decode", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify()
        if self._thread:
            self._thread.join(timeout)
            self._thread = None

    def submit(self, frame: Frame, captured_at: float | None = None) -> None:
        """Offers a frame (taken at ``captured_at``, monotonic seconds); replaces any frame still waiting."""
        with self._wake:
            if self._slot is not None:
                self.frames_dropped += 1
            self._slot = (frame, time.monotonic() if captured_at is None else captured_at)
            self.frames_submitted += 1
            self._wake.notify()

    @property
    def waiting(self) -> int:
        """Frames waiting to be decoded: never more than one."""
        return int(self._slot is not None)

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._slot is None and not self._stopping:
                    self._wake.wait()
                if self._stopping:
                    return
                frame, captured_at = self._slot
                self._slot = None
            try:
                codes = self.decoder.decode(frame)
            except Exception:  # one bad frame must not stop scanning for the rest of the day
                log.exception("decoding a frame failed")
                codes = []
            self.frames_decoded += 1
            for code in self.debouncer.update(codes, captured_at):
                self.on_event(ScanEvent(self.source, code.text, code.symbology, captured_at, self.device))
