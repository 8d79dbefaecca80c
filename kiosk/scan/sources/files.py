"""Image files and folders played as camera frames."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from kiosk.scan.images import ImageError, image_files, load_gray
from kiosk.scan.sources.base import Frame, Pacer, SourceUnavailable


class ImageFilesSource:
    """Each image once, in order, at ``fps`` (None: as fast as they load); unreadable files are skipped."""

    live = False

    def __init__(self, paths: Sequence[str | Path], fps: float | None = None):
        self.paths = [Path(p) for p in paths]
        self.name = f"images {', '.join(p.name for p in self.paths[:3])}" + (" ..." if len(self.paths) > 3 else "")
        self._fps = fps
        self._queue: list[Path] = []
        self._pacer = Pacer(fps)

    def open(self) -> None:
        try:
            self._queue = image_files(self.paths)
        except ImageError as exc:
            raise SourceUnavailable("missing", str(exc)) from None
        if not self._queue:
            raise SourceUnavailable("missing", f"no images in {', '.join(map(str, self.paths))}")

    def read(self) -> Frame | None:
        while self._queue:
            path = self._queue.pop(0)
            self._pacer.wait()
            try:
                return load_gray(path)
            except ImageError:
                continue
        return None

    def close(self) -> None:
        self._queue = []
