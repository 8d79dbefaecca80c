"""Camera frames made up from a picture of a label: for tests and benchmarks.

``camera_view`` puts a label into a 640x480 frame the way a cheap camera sees
it: at some distance, tilted, in perspective, blurred, noisy and unevenly lit,
over a cluttered background. ``SyntheticSource`` plays a script of such frames
(a label in view for a while, then nothing, ...) and can be unplugged and
plugged back like a USB camera.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Sequence

import cv2
import numpy as np

from kiosk.scan.sources.base import Frame, Pacer, SourceLost, SourceUnavailable


@dataclass(frozen=True)
class CameraConditions:
    """How hard the camera makes it; ranges are drawn uniformly per frame."""

    frame_size: tuple[int, int] = (640, 480)
    width_share: tuple[float, float] = (0.6, 0.95)  # the width of what is held up (see keep_in_view) as a share of the frame's
    max_rotation_deg: float = 20.0
    tilt_deg: float = 25.0  # the label leans away from the camera up to this much, either way on both axes
    focal_px: float = 600.0  # about a 56 degree field of view across 640 pixels, a common webcam
    blur_modules: float = 0.35  # Gaussian blur sigma, up to this share of a bar module
    noise_sigma: tuple[float, float] = (2.0, 8.0)
    light: tuple[float, float] = (0.45, 1.0)  # the darkest corner's brightness relative to the lightest


def background(rng: np.random.Generator, frame_size: tuple[int, int] = (640, 480)) -> Frame:
    """A counter top with clutter: smooth shading, blotches, a few straight edges and some text-like marks."""
    width, height = frame_size
    coarse = rng.uniform(60, 200, size=(6, 8)).astype(np.float32)
    image = np.clip(cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC), 0, 255).astype(np.uint8)
    for _ in range(rng.integers(2, 6)):
        p1 = tuple(int(v) for v in rng.integers(0, [width, height]))
        p2 = tuple(int(v) for v in rng.integers(0, [width, height]))
        cv2.line(image, p1, p2, int(rng.integers(20, 240)), int(rng.integers(1, 12)))
    for _ in range(rng.integers(0, 4)):
        origin = (int(rng.integers(0, width - 100)), int(rng.integers(20, height)))
        text = "".join(rng.choice(list("ABCDEFGH 0123456789"), size=int(rng.integers(4, 14))))
        cv2.putText(image, text, origin, cv2.FONT_HERSHEY_SIMPLEX, float(rng.uniform(0.4, 1.2)), int(rng.integers(0, 80)), 2)
    return image


def camera_view(
    card: Frame | None,
    rng: np.random.Generator,
    conditions: CameraConditions = CameraConditions(),
    module_px: float | None = None,
    keep_in_view: tuple[int, int, int, int] | None = None,
) -> Frame:
    """One frame of ``card`` (a grayscale image of a label) seen by a cheap camera; no card gives an empty scene.

    ``module_px`` is the width of one bar module in ``card``'s pixels, so the
    blur can be scaled to the bars. ``keep_in_view`` (left, top, right,
    bottom in ``card``'s pixels) is what the person holds up to the camera,
    its barcode say: it stays in the frame at the conditions' width share,
    and the rest of the label may be cut off. By default, the whole label.
    """
    width, height = conditions.frame_size
    scene = background(rng, conditions.frame_size).astype(np.float32)
    if card is not None:
        left, top, right, bottom = keep_in_view or (0, 0, card.shape[1], card.shape[0])
        scale = rng.uniform(*conditions.width_share) * width / (right - left)
        # Shrink first with area averaging, as a lens does; the warp then only bends
        small = cv2.resize(card, None, fx=min(1.0, scale * 1.05), fy=min(1.0, scale * 1.05), interpolation=cv2.INTER_AREA)
        scale, module_px = scale / (small.shape[1] / card.shape[1]), (module_px or 0) * small.shape[1] / card.shape[1]
        shrink = small.shape[1] / card.shape[1]
        card = small
        card_h, card_w = card.shape
        corners = np.float32([[0, 0], [card_w, 0], [card_w, card_h], [0, card_h]])
        kept = np.float32([[left, top], [right, top], [right, bottom], [left, bottom]]) * shrink
        projected = _project(np.vstack([corners, kept]) - [card_w / 2, card_h / 2], scale, rng, conditions)
        target, kept = projected[:4], projected[4:]
        span = kept.max(axis=0) - kept.min(axis=0)
        fit = min(1.0, *(0.98 * np.array([width, height]) / span))  # the part that matters, quiet zones and all, stays in view
        target, kept, span, scale = target * fit, kept * fit, span * fit, scale * fit
        room = np.maximum([width, height] - span, 0)
        centre = span / 2 + rng.uniform(0, 1, size=2) * room
        target = np.float32(target - (kept.max(axis=0) + kept.min(axis=0)) / 2 + centre)
        transform = cv2.getPerspectiveTransform(corners, target)
        paper = cv2.warpPerspective(card.astype(np.float32), transform, (width, height), flags=cv2.INTER_LINEAR)
        mask = cv2.warpPerspective(np.ones_like(card, np.float32), transform, (width, height), flags=cv2.INTER_LINEAR)
        ink, white = rng.uniform(20, 70), rng.uniform(190, 245)
        paper = ink + (white - ink) * np.clip(paper, 0, 255) / 255.0
        scene = scene * (1 - mask) + paper * mask
        if module_px:
            sigma = rng.uniform(0.0, conditions.blur_modules) * module_px * scale
            if sigma > 0.3:
                scene = cv2.GaussianBlur(scene, (0, 0), sigma)
    scene *= _uneven_light(rng, conditions)
    scene += rng.normal(0, rng.uniform(*conditions.noise_sigma), size=scene.shape).astype(np.float32)
    return np.clip(scene, 0, 255).astype(np.uint8)


def _project(corners: np.ndarray, scale: float, rng: np.random.Generator, conditions: CameraConditions) -> np.ndarray:
    """Where a label's corners land when it is turned in the image plane, leaned back, and seen through a pinhole."""
    roll = np.radians(rng.uniform(-conditions.max_rotation_deg, conditions.max_rotation_deg))
    yaw, pitch = np.radians(rng.uniform(-conditions.tilt_deg, conditions.tilt_deg, size=2))
    points = np.column_stack([corners, np.zeros(len(corners))])
    turn = np.array([[np.cos(roll), -np.sin(roll), 0], [np.sin(roll), np.cos(roll), 0], [0, 0, 1]])
    lean_y = np.array([[np.cos(yaw), 0, np.sin(yaw)], [0, 1, 0], [-np.sin(yaw), 0, np.cos(yaw)]])
    lean_x = np.array([[1, 0, 0], [0, np.cos(pitch), -np.sin(pitch)], [0, np.sin(pitch), np.cos(pitch)]])
    points = points @ turn.T @ lean_y.T @ lean_x.T
    # the distance at which the label, facing the camera, would be ``scale`` times its size
    distance = conditions.focal_px / scale
    return conditions.focal_px * points[:, :2] / (distance + points[:, 2:3])


def _uneven_light(rng: np.random.Generator, conditions: CameraConditions) -> np.ndarray:
    width, height = conditions.frame_size
    corners = rng.uniform(conditions.light[0], 1.0, size=(2, 2)).astype(np.float32)
    corners /= corners.max()
    return cv2.resize(corners, (width, height), interpolation=cv2.INTER_LINEAR)


@dataclass(frozen=True)
class Scene:
    """``frames`` camera frames of ``card`` (None: nothing in view)."""

    card: Frame | None
    frames: int
    module_px: float | None = None


class SyntheticSource:
    """Plays scenes as camera frames; ``unplug()`` and ``plug()`` act out a USB camera being pulled and put back.

    Looping, it is a camera that never ends; otherwise it ends after its scenes, like a video file.
    """

    def __init__(
        self,
        scenes: Sequence[Scene],
        *,
        fps: float | None = None,
        seed: int = 0,
        conditions: CameraConditions = CameraConditions(),
        loop: bool = False,
    ):
        self.name = "synthetic camera"
        self.scenes = list(scenes)
        self.conditions = conditions
        self.loop = loop
        self.live = loop
        self._rng = np.random.default_rng(seed)
        self._pacer = Pacer(fps)
        self._plugged = threading.Event()
        self._plugged.set()
        self._script = self._frames()
        self.frames_read = 0

    def unplug(self) -> None:
        self._plugged.clear()

    def plug(self) -> None:
        self._plugged.set()

    def open(self) -> None:
        if not self._plugged.is_set():
            raise SourceUnavailable("missing", "no camera is connected")

    def read(self) -> Frame | None:
        self._pacer.wait()
        if not self._plugged.is_set():
            raise SourceLost("the camera was unplugged")
        frame = next(self._script, None)
        if frame is not None:
            self.frames_read += 1
        return frame

    def close(self) -> None:
        pass

    def _frames(self):
        while True:
            for scene in self.scenes:
                for _ in range(scene.frames):
                    yield camera_view(scene.card, self._rng, self.conditions, scene.module_px)
            if not self.loop:
                return
