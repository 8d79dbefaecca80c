"""Fonts for labels: DejaVu where the system has it (Raspberry Pi OS and Debian do), else Pillow's own."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
    Path("/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)
FACES = {
    "title": ("DejaVuSans-Bold.ttf", "DejaVuSansCondensed-Bold.ttf"),
    "code": ("DejaVuSansMono-Bold.ttf", "DejaVuSansMono.ttf"),
    "small": ("DejaVuSans.ttf",),
}

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@lru_cache(maxsize=None)
def _face_path(face: str) -> str | None:
    for filename in FACES[face]:
        for folder in _FONT_DIRS:
            if (folder / filename).is_file():
                return str(folder / filename)
    return None


@lru_cache(maxsize=512)
def font(face: str, size_px: int) -> Font:
    """The font for one role on the label ('title', 'code' or 'small') at a pixel size."""
    path = _face_path(face)
    if path is None:
        return ImageFont.load_default(size=size_px)
    return ImageFont.truetype(path, size_px)
