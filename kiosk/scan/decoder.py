"""From a grayscale image to the codes it holds, cheaply when it is easy and harder only when it is worth it.

Every camera frame gets one cheap pass: find the most barcode-like patch
(``regions.find_regions``, under a millisecond), cut it out with its bars
upright at twice the pixels along its length, smooth it along the bars, and
let zbar scan its rows. That reads almost every frame of a label held in
view. Only when it read nothing but the frame holds something barcode-like
come the harder passes: the other patches, zxing-cpp, sharpening,
thresholding, a finer scale, and the square patches QR codes make. A frame
with nothing barcode-like costs the look and nothing else.

Still images (``still=True``: files, not frames) start with both engines on
the whole image, since there is no next frame to wait for.
"""

from __future__ import annotations

from typing import Callable, Iterator

import cv2
import numpy as np

from kiosk.scan.engines import ZbarEngine, ZxingEngine, zxing_available
from kiosk.scan.events import Code
from kiosk.scan.regions import Region, find_regions, upright_crop
from kiosk.scan.symbologies import DEFAULT, QRCODE, passes_checks

CROP_SCALE = 2.0  # zbar wants about two pixels a module; a 640x480 frame gives labels one and a half
BAR_SMOOTHING = 9  # rows averaged along the bars: noise goes, the bars stay
MIN_MATRIX_PX = 240  # QR patches are enlarged to at least this size before decoding
SMALL_IMAGE_PX = 480  # still images narrower than this also get a look at twice the size

Attempt = Callable[[], list[Code]]


class Decoder:
    """Decodes grayscale images for the symbologies in use. One per thread: the engines are not thread-safe."""

    def __init__(self, symbologies: frozenset[str] = DEFAULT, *, use_zxing: bool = True, still: bool = False):
        self.symbologies = frozenset(symbologies)
        self.still = still
        linear = self.symbologies - {QRCODE}
        self._rows = ZbarEngine(linear, rows_every=2, columns_every=0) if linear else None
        self._zbar = ZbarEngine(self.symbologies)
        self._zxing = ZxingEngine(self.symbologies, try_rotate=still) if use_zxing and zxing_available() else None

    @property
    def engines(self) -> tuple[str, ...]:
        return ("zbar", "zxing") if self._zxing else ("zbar",)

    def decode(self, image: np.ndarray) -> list[Code]:
        """The codes in ``image`` (grayscale, or BGR which is converted), each once; [] when none."""
        gray = _gray(image)
        for attempt in self._attempts(gray):
            codes = _accepted(attempt())
            if codes:
                return codes
        return []

    def _attempts(self, gray: np.ndarray) -> Iterator[Attempt]:
        if self.still:
            yield lambda: self._both_engines(gray)
        regions = find_regions(gray)
        linear = [r for r in regions if r.kind == "linear"]
        if linear and self._rows:
            yield lambda: self._read_bars(gray, linear[0])
        if not regions and not self.still:
            return  # nothing here looks like a barcode: the next frame will be along shortly
        for region in linear[1:]:
            yield lambda region=region: self._read_bars(gray, region)
        for region in linear:
            yield from self._harder_bars(gray, region)
        for region in (r for r in regions if r.kind == "matrix"):
            yield lambda region=region: self._read_matrix(gray, region)
        if self.still:
            yield from self._harder_whole(gray)

    def _both_engines(self, gray: np.ndarray) -> list[Code]:
        """Both engines on a whole image: where both read, linear codes must agree.

        A QR code read by either counts (its error correction makes misreads
        vanishingly rare); an EAN read by one engine alone can be a misread
        that happens to pass its check digit. When the engines disagree
        outright zxing's reading wins: it gets character sets and Code128's
        extended characters right where zbar garbles them.
        """
        first = _accepted(self._zbar.decode(gray))
        second = _accepted(self._zxing.decode(gray)) if self._zxing else []
        if not first or not second:
            return first or second
        agreed = [code for code in first if code in second]
        if not agreed:
            return second
        return _accepted(agreed + [code for code in first + second if code.symbology == QRCODE])

    def _bars(self, gray: np.ndarray, region: Region, scale: float = CROP_SCALE) -> np.ndarray:
        crop = upright_crop(gray, region, scale=scale)
        rows = min(BAR_SMOOTHING, max(1, crop.shape[0] // 4) | 1)
        return cv2.blur(crop, (1, rows))

    def _read_bars(self, gray: np.ndarray, region: Region) -> list[Code]:
        return self._rows.decode(self._bars(gray, region)) if self._rows else []

    def _harder_bars(self, gray: np.ndarray, region: Region) -> Iterator[Attempt]:
        if self._zxing:
            yield lambda: self._zxing.decode(self._bars(gray, region))
        if self._rows:
            yield lambda: self._rows.decode(_sharpened(self._bars(gray, region)))
            yield lambda: self._rows.decode(_thresholded(self._bars(gray, region)))
            yield lambda: self._rows.decode(self._bars(gray, region, scale=3.0))

    def _read_matrix(self, gray: np.ndarray, region: Region) -> list[Code]:
        scale = max(1.0, MIN_MATRIX_PX / max(region.length, region.height))
        crop = upright_crop(gray, region, margin=0.15)
        if scale > 1.0:
            crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        codes = self._zbar.decode(crop)
        if not codes and self._zxing:
            codes = self._zxing.decode(crop)
        return codes

    def _harder_whole(self, gray: np.ndarray) -> Iterator[Attempt]:
        engines = [e for e in (self._zbar, self._zxing) if e]
        variants: list[Callable[[], np.ndarray]] = []
        if gray.shape[1] < SMALL_IMAGE_PX:
            variants.append(lambda: cv2.resize(gray, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC))
        variants += [
            lambda: cv2.medianBlur(gray, 3),  # speckle: pictures printed inside QR codes, sensor noise
            lambda: _otsu(cv2.medianBlur(gray, 5)),
            lambda: _sharpened(gray),
            lambda: _thresholded(gray),
            lambda: 255 - gray,
        ]
        for variant in variants:
            for engine in engines:
                yield lambda variant=variant, engine=engine: engine.decode(variant())


def _gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY if image.shape[2] == 3 else cv2.COLOR_BGRA2GRAY)
    return np.ascontiguousarray(image, dtype=np.uint8)


def _sharpened(gray: np.ndarray) -> np.ndarray:
    return cv2.addWeighted(gray, 2.0, cv2.GaussianBlur(gray, (0, 0), 1.5), -1.0, 0)


def _otsu(gray: np.ndarray) -> np.ndarray:
    return cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]


def _thresholded(gray: np.ndarray) -> np.ndarray:
    """Black and white by the light around each pixel: evens out glare and shadow."""
    block = max(15, (min(gray.shape[:2]) // 5) | 1)
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, 5)


def _accepted(codes: list[Code]) -> list[Code]:
    """Each code once, and none that fails its check digit."""
    seen: dict[tuple[str, str], Code] = {}
    for code in codes:
        if passes_checks(code.text, code.symbology):
            seen.setdefault((code.text, code.symbology), code)
    return list(seen.values())
