"""USB webcams (V4L2) and video files, through OpenCV's VideoCapture."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import cv2

from kiosk.scan.sources.base import Frame, Pacer, SourceLost, SourceUnavailable, to_gray


class WebcamSource:
    """A USB webcam: ``device`` is an index (0 for /dev/video0) or a device path."""

    live = True

    def __init__(self, device: int | str = 0, width: int = 640, height: int = 480, fps: float = 30):
        self.device = device
        self.width, self.height, self.fps = width, height, fps
        self.path = f"/dev/video{device}" if isinstance(device, int) else str(device)
        self.name = f"camera {self.path}"
        self._capture: cv2.VideoCapture | None = None

    def open(self) -> None:
        on_linux = sys.platform.startswith("linux")
        if on_linux and not os.path.exists(self.path):
            raise SourceUnavailable("missing", f"no camera at {self.path}: is it plugged in?")
        if on_linux and not os.access(self.path, os.R_OK | os.W_OK):
            raise SourceUnavailable("unavailable", f"no permission to open {self.path}: add the kiosk's user to the 'video' group")
        backend = cv2.CAP_V4L2 if on_linux else cv2.CAP_ANY
        capture = cv2.VideoCapture(self.device if isinstance(self.device, int) else self.path, backend)
        if not capture.isOpened():
            capture.release()
            raise SourceUnavailable("busy", f"{self.path} could not be opened: another program may be using it")
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        capture.set(cv2.CAP_PROP_FPS, self.fps)
        capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest frame, not one from a queue of old ones
        # V4L2 opens a device another program is streaming from, then fails the first read
        ok, _ = capture.read()
        if not ok:
            capture.release()
            raise SourceUnavailable("busy", f"{self.path} gives no picture: another program may be using it")
        self._capture = capture

    def read(self) -> Frame:
        ok, frame = self._capture.read() if self._capture else (False, None)
        if not ok or frame is None:
            raise SourceLost(f"{self.path} stopped sending pictures: unplugged?")
        return to_gray(frame)

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


class VideoFileSource:
    """A video file played frame by frame, at ``fps`` (None: as fast as it decodes)."""

    live = False

    def __init__(self, path: str | Path, fps: float | None = None):
        self.path = Path(path)
        self.name = f"video {self.path.name}"
        self._pacer = Pacer(fps)
        self._capture: cv2.VideoCapture | None = None

    def open(self) -> None:
        if not self.path.is_file():
            raise SourceUnavailable("missing", f"no such video file: {self.path}")
        capture = cv2.VideoCapture(str(self.path))
        if not capture.isOpened():
            raise SourceUnavailable("unavailable", f"cannot read {self.path} as a video")
        self._capture = capture

    def read(self) -> Frame | None:
        self._pacer.wait()
        ok, frame = self._capture.read() if self._capture else (False, None)
        return to_gray(frame) if ok else None

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None
