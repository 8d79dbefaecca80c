"""Image files: finding them in folders and reading them as grayscale, with clear errors."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".gif", ".pgm", ".ppm", ".pbm"})


class ImageError(Exception):
    """An image path that cannot be used; the message says which and why."""


def image_files(paths: Iterable[str | Path]) -> list[Path]:
    """The image files named, with folders expanded (recursively, sorted); ImageError for a path that is not there."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        elif path.is_file():
            found.append(path)
        else:
            raise ImageError(f"no such file or folder: {path}")
    return found


def load_gray(path: str | Path) -> np.ndarray:
    """The image at ``path`` as 8-bit grayscale; ImageError when it cannot be read as an image."""
    path = Path(path)
    image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if image is not None:
        return image
    try:  # formats OpenCV was built without (some WebP, GIF, 16-bit TIFF)
        with Image.open(path) as picture:
            return np.asarray(picture.convert("L"))
    except FileNotFoundError:
        raise ImageError(f"no such file: {path}") from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ImageError(f"cannot read {path} as an image: {exc}") from None
