"""Fonts for labels: DejaVu, shipped in assets/fonts, so a label looks the same printed from any machine."""

from __future__ import annotations

from functools import lru_cache

from PIL import ImageFont

from kiosk import assets

FACES = {
    "title": "DejaVuSans-Bold.ttf",
    "code": "DejaVuSansMono-Bold.ttf",
    "small": "DejaVuSans.ttf",
}

Font = ImageFont.FreeTypeFont


@lru_cache(maxsize=512)
def font(face: str, size_px: int) -> Font:
    """The font for one role on the label ('title', 'code' or 'small') at a pixel size."""
    return ImageFont.truetype(str(assets.path("fonts", FACES[face])), size_px)
