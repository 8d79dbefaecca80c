"""The scanner as the UI sees it: one stream of scan and status events from every input.

    scanner = Scanner(camera="auto", on_scan=handle_scan, on_status=handle_status)
    scanner.start()
    ...  serial, frame = scanner.frame() or (0, None)   # newest camera frame, grayscale, for the screen
    ...  scanner.feed_keystroke(char)                    # only where scanner.reads_usb is False
    scanner.stop()

The callbacks run on the scanner's threads: a Kivy UI passes each event on
with ``Clock.schedule_once``. Events without a callback wait in
``scanner.events`` (a ``queue.Queue``).
"""

from __future__ import annotations

import dataclasses
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from kiosk.scan.camera import CameraReader
from kiosk.scan.debounce import Debouncer
from kiosk.scan.decoder import Decoder
from kiosk.scan.events import CAMERA, KEYBOARD, UNKNOWN_SYMBOLOGY, USB_SCANNER, ScanEvent, StatusEvent
from kiosk.scan.keys import KeystrokeBursts
from kiosk.scan.sources import Frame, FrameSource, open_source
from kiosk.scan.symbologies import DEFAULT
from kiosk.scan.usb import UsbScanners, evdev_available
from kiosk.scan.worker import DecodeWorker

Event = ScanEvent | StatusEvent


@dataclass(frozen=True)
class ScannerConfig:
    """How the kiosk scans; every field has a working default."""

    camera: str | None = "auto"  # see kiosk.scan.sources.open_source; None: no camera
    width: int = 640
    height: int = 480
    fps: float = 30
    symbologies: frozenset[str] = field(default=DEFAULT)  # add "code39" to read Code39 too
    use_zxing: bool = True
    confirm_frames: int = 2  # frames that must agree before a camera read counts
    rearm_after: float = 1.0  # seconds a code must be out of view before it counts again
    usb_scanners: tuple[str, ...] | None = ("auto",)  # device paths or name fragments; None: leave USB scanners alone
    burst_max_gap: float = 0.05  # seconds between a scanner's keystrokes, for the keystroke fallback


class Scanner:
    """Starts the camera, decode worker and USB scanner threads, and merges what they see into one stream."""

    def __init__(
        self,
        config: ScannerConfig | None = None,
        *,
        on_scan: Callable[[ScanEvent], None] | None = None,
        on_status: Callable[[StatusEvent], None] | None = None,
        source: FrameSource | None = None,
        **settings,
    ):
        """``settings`` override fields of ``config`` (``Scanner(camera="0", fps=15)``); ``source`` replaces its camera."""
        self.config = dataclasses.replace(config or ScannerConfig(), **settings)
        self.events: queue.Queue[Event] = queue.Queue()
        self._on_scan = on_scan or self.events.put
        self._on_status = on_status or self.events.put
        self._lock = threading.Lock()  # events come from several threads; hand them over one at a time
        self._bursts = KeystrokeBursts(max_gap=self.config.burst_max_gap)
        self._camera: CameraReader | None = None
        self._worker: DecodeWorker | None = None
        config = self.config
        if source is None and config.camera is not None:
            source = open_source(config.camera, config.width, config.height, config.fps)
        if source is not None:
            decoder = Decoder(config.symbologies, use_zxing=config.use_zxing)
            debouncer = Debouncer(confirm_frames=config.confirm_frames, rearm_after=config.rearm_after)
            self._worker = DecodeWorker(decoder, debouncer, self._emit, CAMERA, source.name)
            self._camera = CameraReader(source, self._worker.submit, self._emit)
        self._usb: UsbScanners | None = None
        if config.usb_scanners is not None and evdev_available():
            self._usb = UsbScanners(self._usb_text, self._emit, config.usb_scanners)

    @property
    def reads_usb(self) -> bool:
        """True when USB scanners are read directly; False means the UI should pass keystrokes to ``feed_keystroke``."""
        return self._usb is not None

    @property
    def camera_state(self) -> str:
        """'ready', 'missing', 'busy', 'lost', 'unavailable', 'ended', 'starting', or 'off' without a camera."""
        return self._camera.state if self._camera else "off"

    def start(self) -> None:
        if self._worker:
            self._worker.start()
        if self._camera:
            self._camera.start()
        if self._usb:
            self._usb.start()

    def stop(self) -> None:
        for part in (self._camera, self._usb, self._worker):
            if part:
                part.stop()

    def frame(self) -> tuple[int, Frame] | None:
        """(serial, newest camera frame as a grayscale numpy array) for the screen; None while the camera is away.

        The serial grows with every frame, so a preview redraws only when it changes.
        """
        return self._camera.latest_frame if self._camera else None

    def feed_keystroke(self, text: str, now: float | None = None) -> bool:
        """Hands one typed character (or "\\n" for Enter) from the UI; True when it ended a scanner's burst.

        Where evdev is not available, USB scanners type into the UI like a
        keyboard: this tells their fast bursts from people typing, and emits
        a scan event for each burst.
        """
        now = time.monotonic() if now is None else now
        line = self._bursts.feed(text, now)
        if line is None:
            return False
        self._emit(ScanEvent(KEYBOARD, line, UNKNOWN_SYMBOLOGY, now))
        return True

    def _usb_text(self, text: str, device: str) -> None:
        self._emit(ScanEvent(USB_SCANNER, text, UNKNOWN_SYMBOLOGY, time.monotonic(), device))

    def _emit(self, event: Event) -> None:
        with self._lock:
            if isinstance(event, ScanEvent):
                self._on_scan(event)
            else:
                self._on_status(event)
