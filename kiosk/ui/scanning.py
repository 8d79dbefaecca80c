"""The one door scans come through, from any thread, onto the UI thread.

The scanner's threads (kiosk.scan: camera, decoder, USB scanners), a USB
scanner typing into the window, and the tests all call
:meth:`ScanInput.submit`; the app receives each scan on the Kivy thread
through ``Clock``. A camera feed is anything with ``frame()``
returning ``(serial, image)`` or None: the preview shows it and the tool form
takes photos from it.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any, Callable, Protocol

from kivy.clock import Clock

from kiosk.scan.keys import KeystrokeBursts

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp"}


class CameraFeed(Protocol):
    def frame(self) -> tuple[int, Any] | None: ...

    def stop(self) -> None: ...


class ScanInput:
    def __init__(self, deliver: Callable[[str, str], Any], status: Callable[[str, str], Any] | None = None):
        self._deliver = deliver
        self._status = status or (lambda state, message: None)
        self.camera: CameraFeed | None = None
        self._bursts = KeystrokeBursts()

    def submit(self, text: str, source: str = "keyboard") -> None:
        """Hands a scanned text to the UI thread; safe from any thread."""
        text = text.strip()
        if not text:
            return
        Clock.schedule_once(lambda _dt: self._deliver(text, source), -1)

    def report(self, state: str, message: str) -> None:
        """A camera or scanner status change, from any thread."""
        Clock.schedule_once(lambda _dt: self._status(state, message), -1)

    def frame(self) -> tuple[int, Any] | None:
        return self.camera.frame() if self.camera is not None else None

    def use_camera(self, feed: CameraFeed | None) -> None:
        if self.camera is not None and self.camera is not feed:
            self.camera.stop()
        self.camera = feed

    def stop(self) -> None:
        self.use_camera(None)

    # -- a USB scanner typing into the window -----------------------------------------

    def on_textinput(self, text: str) -> None:
        """A character typed while no text field has focus: a scanner's burst, or a person poking keys."""
        self._bursts.feed(text, time.monotonic())

    def on_enter(self) -> bool:
        """Enter: the burst before it was a USB scanner's code when it came fast enough. True if so."""
        code = self._bursts.feed("\n", time.monotonic())
        if code:
            self.submit(code, "usb-scanner")
        return bool(code)


class StillCamera:
    """A camera feed that plays still images at a frame rate: photos for a kiosk without
    a camera (``--camera photos/``), and a predictable camera for screenshots and tests."""

    def __init__(self, images: list[Any], fps: float = 30.0):
        if not images:
            raise ValueError("a still camera needs at least one image")
        self.images = images
        self.fps = fps
        self._start = time.monotonic()

    @classmethod
    def from_path(cls, path: Path, fps: float = 30.0) -> "StillCamera":
        """Every image file in a folder (sorted), or one file."""
        import cv2

        files = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES) if path.is_dir() else [path]
        images = [image for image in (cv2.imread(str(f)) for f in files) if image is not None]
        return cls(images, fps)

    def frame(self) -> tuple[int, Any]:
        serial = int((time.monotonic() - self._start) * self.fps)
        return serial, self.images[serial % len(self.images)]

    def stop(self) -> None:
        pass


def start_camera(spec: str | None, scans: ScanInput, usb_scanner: str = "") -> CameraFeed | None:
    """The scanner (camera, decode worker, USB scanners) reporting into ``scans``; None when it cannot run here.

    ``spec`` names the camera as kiosk.scan.sources.open_source reads it (None:
    the first one found); ``usb_scanner`` a scanner device or name part (empty: any).
    """
    try:
        from kiosk.scan.scanner import Scanner

        scanner = Scanner(camera=spec or "auto", usb_scanners=(usb_scanner or "auto",),
                          on_scan=lambda event: scans.submit(event.text, event.source),
                          on_status=lambda event: scans.report(event.state, event.message))
        scanner.start()
    except Exception:  # a broken camera must not keep the counter from working with a USB scanner
        log.exception("the scanner could not start")
        scans.report("unavailable", "")
        return None
    return scanner
