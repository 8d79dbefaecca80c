"""From a grayscale image to the codes it holds, cheaply when it is easy and harder only when it is worth it.

Every camera frame gets one cheap pass: find the most barcode-like patch
(``regions.find_regions``, about a millisecond), cut it out with its bars
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
from kiosk.scan.symbologies import DEFAULT, QRCODE, needs_second_opinion, passes_checks

CROP_SCALE = 2.0  # zbar wants about two pixels a module; a 640x480 frame gives labels one and a half
BAR_SMOOTHING = 9  # rows averaged along the bars: noise goes, the bars stay
MIN_MATRIX_PX = 240  # QR patches are enlarged to at least this size before decoding
SMALL_IMAGE_PX = 480  # still images narrower than this also get a look at twice the size

Attempt = Callable[[], list[Code]]
Engine = ZbarEngine | ZxingEngine


class Decoder:
    """Decodes grayscale images for the symbologies in use. One per thread: the engines are not thread-safe.

    A read that nothing vouches for (Code128 or Code39 that is not one of our
    codes) counts only when the other engine reads the same from the same
    image (without zxing-cpp, the debouncer's agreement between frames is
    all there is); our codes carry a check character, EAN and UPC a check digit.
    """

    def __init__(self, symbologies: frozenset[str] = DEFAULT, *, use_zxing: bool = True, still: bool = False):
        self.symbologies = frozenset(symbologies)
        self.still = still
        linear = self.symbologies - {QRCODE}
        # Upright bars need only row scan lines; two of them must read alike, as one line through a
        # warped label can misread.
        self._rows = ZbarEngine(linear, rows_every=2, columns_every=0, min_lines=2) if linear else None
        self._zbar = ZbarEngine(self.symbologies)
        self._zxing = ZxingEngine(self.symbologies, try_rotate=still) if use_zxing and zxing_available() else None

    def decode(self, image: np.ndarray) -> list[Code]:
        """The codes in ``image`` (grayscale, or BGR which is converted), each once; [] when none."""
        gray = _gray(image)
        for attempt in self._attempts(gray):
            codes = attempt()
            if codes:
                return codes
        return []

    def _attempts(self, gray: np.ndarray) -> Iterator[Attempt]:
        if self.still:
            yield lambda: self._both_engines(gray)
        regions = find_regions(gray)
        linear = [r for r in regions if r.kind == "linear"]
        if linear and self._rows:
            yield lambda: self._read(self._rows, self._bars(gray, linear[0]))
        if not regions and not self.still:
            return  # nothing here looks like a barcode: the next frame will be along shortly
        for region in linear[1:]:
            yield lambda region=region: self._read(self._rows, self._bars(gray, region))
        for region in linear:
            yield from self._harder_bars(gray, region)
        matrix = [r for r in regions if r.kind == "matrix"]
        if matrix and self._zxing and not self.still:
            yield lambda: self._read(self._zxing, gray)  # zxing finds QR codes in a whole frame, tilted or not, in 2 ms
        for region in matrix:
            yield lambda region=region: self._read_matrix(gray, region)
        if self.still:
            yield from self._harder_whole(gray)

    def _read(self, engine: Engine | None, image: np.ndarray) -> list[Code]:
        """What ``engine`` reads in ``image`` and can stand by: checks pass, and the other engine agrees where needed."""
        if engine is None:
            return []
        codes = _accepted(engine.decode(image))
        doubtful = [c for c in codes if needs_second_opinion(c.text, c.symbology)]
        if doubtful:
            other = self._zbar if engine is self._zxing else self._zxing
            confirmed = set(other.decode(image)) if other else set(doubtful)
            codes = [c for c in codes if c not in doubtful or c in confirmed]
        return codes

    def _both_engines(self, gray: np.ndarray) -> list[Code]:
        """Both engines on a whole image, where they must agree unless a read vouches for itself.

        A QR code read by either counts (its error correction makes misreads
        vanishingly rare), as does an EAN or one of our codes read by one
        engine alone. When the engines disagree outright zxing's reading wins:
        it gets character sets and Code128's extended characters right where
        zbar garbles them.
        """
        first = _accepted(self._zbar.decode(gray))
        if self._zxing is None:
            return first
        second = _accepted(self._zxing.decode(gray))
        agreed = [code for code in first if code in second]
        if agreed:
            return _accepted(agreed + [code for code in first + second if code.symbology == QRCODE])
        if first and second:
            return second
        return [code for code in first + second if not needs_second_opinion(code.text, code.symbology)]

    def _bars(self, gray: np.ndarray, region: Region, scale: float = CROP_SCALE, smoothing: int = BAR_SMOOTHING) -> np.ndarray:
        """The region upright, enlarged along its length, every other pixel along the bars, smoothed along them."""
        crop = upright_crop(gray, region, scale=scale, row_step=2)
        rows = min(smoothing // 2, max(1, crop.shape[0] // 4)) | 1
        return cv2.blur(crop, (1, rows))

    def _harder_bars(self, gray: np.ndarray, region: Region) -> Iterator[Attempt]:
        yield lambda: self._read(self._zxing, self._bars(gray, region))
        # finer still, smoothed over more rows: the smallest labels in view, and noisy ones
        yield lambda: self._read(self._rows, self._bars(gray, region, 3.0, 15))
        yield lambda: self._read(self._zxing, self._bars(gray, region, 3.0, 15))
        # a label leaning away fans its bars out: each half of them stands straighter than the whole
        for half in (0, 1):
            yield lambda half=half: self._read(self._rows, _half(self._bars(gray, region, smoothing=5), half))
            yield lambda half=half: self._read(self._zxing, _half(self._bars(gray, region, smoothing=5), half))
        yield lambda: self._read(self._rows, _sharpened(self._bars(gray, region)))
        yield lambda: self._read(self._rows, _thresholded(self._bars(gray, region)))

    def _read_matrix(self, gray: np.ndarray, region: Region) -> list[Code]:
        scale = max(1.0, MIN_MATRIX_PX / max(region.length, region.height))
        crop = upright_crop(gray, region, margin=0.15)
        if scale > 1.0:
            crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        return self._read(self._zbar, crop) or self._read(self._zxing, crop)

    def _harder_whole(self, gray: np.ndarray) -> Iterator[Attempt]:
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
            for engine in (self._zbar, self._zxing):
                yield lambda variant=variant, engine=engine: self._read(engine, variant())


def _gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY if image.shape[2] == 3 else cv2.COLOR_BGRA2GRAY)
    return np.ascontiguousarray(image, dtype=np.uint8)


def _half(image: np.ndarray, which: int) -> np.ndarray:
    """The top (0) or bottom (1) half of an image."""
    middle = image.shape[0] // 2
    return image[:middle] if which == 0 else image[middle:]


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
