"""Frame sources: USB webcams, Pi camera modules, video files, image files and folders, synthetic frames.

``open_source(spec)`` picks one from a setting: ``auto`` (a Pi camera module
if there is one, else the first webcam), ``picamera`` or ``picamera:1``, a
webcam index (``0``) or device (``/dev/video2``), a video file, an image
file or a folder of images.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.scan.sources.base import Frame, FrameSource, Pacer, SourceError, SourceLost, SourceUnavailable
from kiosk.scan.sources.files import ImageFilesSource
from kiosk.scan.sources.opencv import VideoFileSource, WebcamSource
from kiosk.scan.sources.picamera import PiCameraSource, picamera2_available

VIDEO_SUFFIXES = frozenset({".mp4", ".avi", ".mkv", ".mov", ".webm", ".mjpeg", ".mjpg", ".m4v"})

__all__ = [
    "Frame",
    "FrameSource",
    "ImageFilesSource",
    "Pacer",
    "PiCameraSource",
    "SourceError",
    "SourceLost",
    "SourceUnavailable",
    "VideoFileSource",
    "WebcamSource",
    "open_source",
]


def open_source(spec: str = "auto", width: int = 640, height: int = 480, fps: float = 30) -> FrameSource:
    """The frame source a setting names (see the module's doc); files play at ``fps``."""
    spec = spec.strip()
    if spec == "auto":
        return PiCameraSource(0, width, height, fps) if _pi_camera_connected() else WebcamSource(0, width, height, fps)
    if spec == "picamera" or spec.startswith("picamera:"):
        return PiCameraSource(int(spec.partition(":")[2] or 0), width, height, fps)
    if spec.isdigit():
        return WebcamSource(int(spec), width, height, fps)
    if spec.startswith("/dev/"):
        return WebcamSource(spec, width, height, fps)
    path = Path(spec)
    if path.suffix.lower() in VIDEO_SUFFIXES:
        return VideoFileSource(path, fps)
    return ImageFilesSource([path], fps)


def _pi_camera_connected() -> bool:
    if not picamera2_available():
        return False
    from picamera2 import Picamera2

    try:
        return bool(Picamera2.global_camera_info())
    except Exception:  # libcamera missing or broken: fall back to a webcam
        return False
