import cv2
import numpy as np
import pytest

from kiosk.scan.regions import find_regions, upright_crop
from tests.scan.cards import label_card, tool_code


def _turned(card: np.ndarray, degrees: float) -> np.ndarray:
    """The label turned by ``degrees`` (counter-clockwise on screen) in a 640x480 frame."""
    height, width = card.shape
    canvas = np.full((round(width * 0.75), width), 120, np.uint8)
    top = (canvas.shape[0] - height) // 2
    canvas[top : top + height] = card
    turn = cv2.getRotationMatrix2D((width / 2, canvas.shape[0] / 2), degrees, 0.8)
    turned = cv2.warpAffine(canvas, turn, (width, canvas.shape[0]), borderValue=120)
    return cv2.resize(turned, (640, 480), interpolation=cv2.INTER_AREA)


@pytest.mark.parametrize("degrees", [-20, -8, 0, 12, 20, 90])
def test_a_label_is_found_with_the_direction_its_bars_run(degrees):
    card, _ = label_card(tool_code(3))
    regions = [r for r in find_regions(_turned(card, degrees)) if r.kind == "linear"]
    assert regions
    # on screen, counter-clockwise is a negative angle (y points down)
    off = abs((regions[0].angle + degrees + 90) % 180 - 90)
    assert off < 4


def test_the_upright_crop_has_the_bars_standing():
    card, _ = label_card(tool_code(3))
    region = [r for r in find_regions(_turned(card, 15)) if r.kind == "linear"][0]
    crop = upright_crop(_turned(card, 15), region).astype(np.float32)
    gx = np.abs(cv2.Sobel(crop, cv2.CV_32F, 1, 0)).sum()
    gy = np.abs(cv2.Sobel(crop, cv2.CV_32F, 0, 1)).sum()
    assert gx > 2 * gy
