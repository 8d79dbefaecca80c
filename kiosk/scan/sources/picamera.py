"""Raspberry Pi camera modules through picamera2 (libcamera), when it can be imported.

picamera2 installs only from apt (python3-picamera2), so a virtual
environment needs --system-site-packages to see it. Frames come from the
low-resolution stream in YUV420, whose first plane is the grayscale image
the decoder wants, with no conversion.
"""

from __future__ import annotations

from kiosk.scan.sources.base import Frame, SourceLost, SourceUnavailable


def picamera2_available() -> bool:
    try:
        import picamera2  # noqa: F401
    except ImportError:
        return False
    return True


class PiCameraSource:
    live = True

    def __init__(self, camera: int = 0, width: int = 640, height: int = 480, fps: float = 30):
        self.camera = camera
        self.width, self.height, self.fps = width, height, fps
        self.name = f"Pi camera {camera}"
        self._picam = None

    def open(self) -> None:
        try:
            from picamera2 import Picamera2
        except ImportError:
            raise SourceUnavailable(
                "unavailable", "picamera2 is not installed (apt install python3-picamera2; the venv needs --system-site-packages)"
            ) from None
        if len(Picamera2.global_camera_info()) <= self.camera:
            raise SourceUnavailable("missing", "no camera module is connected to the Pi")
        try:
            picam = Picamera2(self.camera)
            size = (self.width, self.height)
            config = picam.create_video_configuration(
                main={"size": size}, lores={"size": size, "format": "YUV420"}, controls={"FrameRate": self.fps}, buffer_count=3
            )
            picam.configure(config)
            picam.start()
        except (RuntimeError, OSError) as exc:
            raise SourceUnavailable("busy", f"the camera module could not be started: another program may be using it ({exc})") from exc
        self._picam = picam

    def read(self) -> Frame:
        try:
            planes = self._picam.capture_array("lores")
        except Exception as exc:
            raise SourceLost(f"the camera module stopped: {exc}") from exc
        return planes[: self.height, : self.width]  # the Y plane, without row padding

    def close(self) -> None:
        if self._picam is not None:
            try:
                self._picam.stop()
                self._picam.close()
            finally:
                self._picam = None
