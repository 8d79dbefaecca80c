"""Where in a frame a barcode may be, and how it lies: the cheap look before the hard work.

The structure tensor of the image gradient, averaged over small windows,
says how strong the edges are and how much they agree in direction. Bars of
a linear barcode make strong edges that all point the same way, across the
patch; a QR code makes strong edges in two directions over a square. Text
and clutter rarely do either over a large enough patch.

Gradients are taken on a copy about 320 pixels wide and averaged onto a grid
of 160: bars too fine to resolve there still leave strong, aligned edges.
About a millisecond for a 640x480 frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

WORK_WIDTH = 320
GRID_WIDTH = 160
WINDOW = 5  # averaging window, in grid cells
MIN_EDGE = 40.0  # gradient magnitude (Sobel units) that counts as an edge at all
LINEAR_COHERENCE = 0.6  # share of edge energy along one direction: bars
MATRIX_COHERENCE = 0.45  # below this the edges go every way: a QR code (or text)
MIN_AREA = 0.005  # bars must cover this share of the grid: 100 x 20 pixels of a 640x480 frame
MIN_MATRIX_AREA = 0.02  # QR codes big enough to decode cover this much; lines of text rarely do
DIRECTION_STEP = 10  # degrees per bin when looking for the bars' direction
DIRECTION_SPREAD = 15.0  # cells this close to a peak direction belong to it (perspective fans bars out a little)
MIN_BARS_LENGTH = 0.15  # share of the image's width: shorter, no barcode has room for its modules
MIN_BARS_ASPECT = 0.6  # length over height: tall bars pass, a line's own edges (far longer than wide) do not
MAX_SKEW = 30.0  # a label seen at a slant: its bars may lean this far from square to its length
_OPEN_KERNEL = np.ones((3, 3), np.uint8)


@dataclass(frozen=True)
class Region:
    """A patch that may hold a barcode, in the full frame's pixels.

    ``angle`` (degrees) is the direction a scan line must run: along the code.
    ``bars`` is the direction the bars run; square to ``angle`` when the
    label faces the camera, leaning when it is seen at a slant. ``length``
    is measured along ``angle``, ``height`` along ``bars``.
    """

    kind: str  # "linear" or "matrix"
    center: tuple[float, float]
    angle: float
    bars: float
    length: float
    height: float
    area_share: float


def find_regions(gray: np.ndarray, limit: int = 3) -> list[Region]:
    """The most barcode-like patches of ``gray``, largest first."""
    image, factor = _shrink(gray)
    gx = cv2.Sobel(image, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(image, cv2.CV_32F, 0, 1, ksize=3)
    grid = (GRID_WIDTH, max(1, round(image.shape[0] * GRID_WIDTH / image.shape[1])))
    factor *= image.shape[1] / grid[0]
    tensor = tuple(
        cv2.blur(cv2.resize(product, grid, interpolation=cv2.INTER_AREA), (WINDOW, WINDOW)) for product in (gx * gx, gy * gy, gx * gy)
    )
    jxx, jyy, jxy = tensor
    energy = jxx + jyy
    coherence = cv2.sqrt((jxx - jyy) ** 2 + 4 * jxy * jxy) / (energy + 1e-3)
    edges = energy > MIN_EDGE * MIN_EDGE
    regions = []
    # Bars are told apart from nearby edges of other directions (a label's
    # border, a cable across it) by taking one direction at a time.
    coherent = edges & (coherence > LINEAR_COHERENCE)
    if coherent.any():
        direction = np.degrees(0.5 * np.arctan2(2 * jxy, jxx - jyy))
        for peak in _direction_peaks(direction[coherent], energy[coherent]):
            offset = np.abs((direction - peak + 90) % 180 - 90)
            regions += _blobs("linear", coherent & (offset < DIRECTION_SPREAD), tensor, coherence, factor, limit)
    regions += _blobs("matrix", edges & (coherence < MATRIX_COHERENCE), tensor, coherence, factor, limit)
    regions.sort(key=lambda r: -r.area_share)
    return _distinct(regions)[:limit]


def _shrink(gray: np.ndarray) -> tuple[np.ndarray, float]:
    factor = gray.shape[1] / WORK_WIDTH
    if factor <= 1.25:
        return gray.astype(np.float32), 1.0
    size = (WORK_WIDTH, max(1, round(gray.shape[0] / factor)))
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA).astype(np.float32), factor


def _direction_peaks(directions: np.ndarray, weights: np.ndarray, count: int = 2) -> list[float]:
    bins = 180 // DIRECTION_STEP
    index = np.clip(((directions + 90) // DIRECTION_STEP).astype(np.intp), 0, bins - 1)
    histogram = np.bincount(index, weights=weights, minlength=bins)
    smooth = histogram + 0.5 * (np.roll(histogram, 1) + np.roll(histogram, -1))  # circular: +-90 degrees is one peak
    peaks: list[float] = []
    for index in np.argsort(smooth)[::-1]:
        if smooth[index] <= 0 or len(peaks) == count:
            break
        centre = -90 + (index + 0.5) * DIRECTION_STEP
        if all(_angle_between(centre, p) >= 2 * DIRECTION_STEP for p in peaks):
            peaks.append(centre)
    return peaks


def _angle_between(a: float, b: float) -> float:
    """Difference of two undirected angles in degrees, 0 to 90."""
    return abs((a - b + 90) % 180 - 90)


def _blobs(kind: str, mask: np.ndarray, tensor, coherence: np.ndarray, factor: float, limit: int) -> list[Region]:
    mask = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, _OPEN_KERNEL)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    total = mask.shape[0] * mask.shape[1]
    order = sorted(range(1, count), key=lambda i: -stats[i, cv2.CC_STAT_AREA])[: 2 * limit]
    smallest = (MIN_MATRIX_AREA if kind == "matrix" else MIN_AREA) * total
    found = []
    for i in order:
        area = stats[i, cv2.CC_STAT_AREA]
        if area < smallest or len(found) == limit:
            break
        x, y, w, h = stats[i, :4]
        if kind == "linear" and np.hypot(w, h) < MIN_BARS_LENGTH * GRID_WIDTH:
            continue  # too short to hold a barcode whichever way it lies
        inside = labels[y : y + h, x : x + w] == i
        ys, xs = np.nonzero(inside)
        points = np.column_stack([xs + x + 0.5, ys + y + 0.5])
        # The bars' direction comes from the cells that agree best: text nearby agrees less.
        weight = coherence[y : y + h, x : x + w][inside] ** 4
        jxx, jyy, jxy = ((t[y : y + h, x : x + w][inside] * weight).sum() for t in tensor)
        across_bars = np.degrees(0.5 * np.arctan2(2 * jxy, jxx - jyy))
        region = _measure(kind, points, across_bars, factor, area / total)
        if region is not None:
            found.append(region)
    return found


def _measure(kind: str, points: np.ndarray, across_bars: float, factor: float, share: float) -> Region | None:
    """The region's frame: along the patch's own long axis, and along the bars."""
    angle = across_bars
    if kind == "linear":
        # A label at a slant shows its bars leaning against its length: scan
        # along the length, where every bar is crossed, not square to the bars.
        dx, dy = points[:, 0] - points[:, 0].mean(), points[:, 1] - points[:, 1].mean()
        sxx, syy, sxy = float(dx @ dx), float(dy @ dy), float(dx @ dy)
        spread = np.hypot(sxx - syy, 2 * sxy)
        if (sxx + syy + spread) > 2.0 * (sxx + syy - spread):  # clearly longer one way than the other
            long_axis = float(np.degrees(0.5 * np.arctan2(2 * sxy, sxx - syy)))
            if _angle_between(long_axis, across_bars) <= MAX_SKEW:
                angle = long_axis
    bars = across_bars + 90.0
    u = _unit(angle)
    v = _unit(bars)
    if np.dot(u, _unit(across_bars)) < 0:
        u = -u
    # coordinates of each cell in the (u, v) frame
    basis = np.column_stack([u, v])
    coords = _inverse(basis) @ points.T
    low, high = coords.min(axis=1), coords.max(axis=1) + 1
    length, height = high - low
    if kind == "linear" and (length < MIN_BARS_ASPECT * height or length < MIN_BARS_LENGTH * GRID_WIDTH):
        return None  # a line's edges run along it; bars run across the patch
    if kind == "matrix" and not (0.5 < length / height < 2.0):
        return None
    centre = basis @ ((low + high) / 2)
    return Region(
        kind, (float(centre[0] * factor), float(centre[1] * factor)), float(np.degrees(np.arctan2(u[1], u[0]))), float(bars),
        float(length * factor), float(height * factor), share,
    )


def _inverse(basis: np.ndarray) -> np.ndarray:
    (a, b), (c, d) = basis
    return np.array([[d, -b], [-c, a]]) / (a * d - b * c)


def _unit(degrees: float) -> np.ndarray:
    theta = np.radians(degrees)
    return np.array([np.cos(theta), np.sin(theta)])


def _distinct(regions: list[Region]) -> list[Region]:
    """Drops regions whose centre lies inside a larger one already kept."""
    kept: list[Region] = []
    for region in regions:
        if not any(_contains(k, region.center) for k in kept):
            kept.append(region)
    return kept


def _contains(region: Region, point: tuple[float, float]) -> bool:
    basis = np.column_stack([_unit(region.angle), _unit(region.bars)])
    along, across = _inverse(basis) @ np.subtract(point, region.center)
    return abs(along) <= region.length / 2 and abs(across) <= region.height / 2


def upright_crop(gray: np.ndarray, region: Region, margin: float = 0.12, scale: float = 1.0, row_step: float = 1.0) -> np.ndarray:
    """The region cut out with its length along the rows and its bars upright, with room for the quiet zones.

    ``scale`` enlarges the crop along its length (2 gives narrow bars twice
    the pixels, which zbar needs below about two pixels a module);
    ``row_step`` spaces its rows that many pixels apart along the bars,
    which changes nothing in upright bars and leaves less to scan.
    """
    length = region.length * (1 + 2 * margin) + 8
    height = region.height * (1 + margin) + 8
    if region.kind == "matrix":
        length = height = max(length, height)
    out_w, out_h = max(8, round(length * scale)), max(8, round(height / row_step))
    u = _unit(region.angle) / scale
    v = _unit(region.bars) * row_step
    if region.kind == "matrix":
        v = np.array([-u[1], u[0]]) * scale
    origin = np.array(region.center) - (out_w / 2) * u - (out_h / 2) * v
    to_source = np.array([[u[0], v[0], origin[0]], [u[1], v[1], origin[1]]], dtype=np.float64)
    return cv2.warpAffine(gray, to_source, (out_w, out_h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE)
