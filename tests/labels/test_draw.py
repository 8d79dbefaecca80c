import numpy as np
import pytest
from pyzbar import pyzbar

from kiosk.labels import LabelText, code128_modules, draw_label, get_stock, label_module_px
from kiosk.labels.draw import QUIET_MODULES, module_width
from tests.scan.cards import tool_code


def _draw(text: LabelText, stock: str = "5160") -> np.ndarray:
    chosen = get_stock(stock)
    return np.asarray(draw_label(text, chosen.label_size_px(), chosen.dpi).convert("L"))


@pytest.mark.parametrize("stock", ["5160", "l7160", "62mm"])
def test_a_label_scans_as_its_code(stock):
    code = tool_code(1234)
    image = _draw(LabelText(code, "Cordless drill", "Maple Street Tool Library"), stock)
    assert [d.data.decode() for d in pyzbar.decode(image)] == [code]


def test_bars_are_whole_dots_and_as_wide_as_the_label_allows():
    code = tool_code(5)
    stock = get_stock("5160")
    size = stock.label_size_px()
    module = label_module_px(code, size, stock.dpi)
    modules = len(code128_modules(code))
    row = _draw(LabelText(code))[size[1] // 2]  # through the bars of an untitled label
    dark = np.flatnonzero(row < 128)
    bars = row[dark[0] : dark[-1] + 1] < 128  # the symbol starts and ends with a bar
    edges = np.flatnonzero(np.diff(bars.astype(int))) + 1
    runs = np.diff(np.concatenate([[0], edges, [len(bars)]]))
    assert len(bars) == modules * module
    assert all(run % module == 0 for run in runs)
    # one dot wider and it would not fit with its quiet zones
    assert (modules + 2 * QUIET_MODULES) * (module + 1) > size[0] - 2 * round(1.2 * stock.dpi / 25.4)


def test_a_code_too_long_for_the_label_is_refused():
    with pytest.raises(ValueError, match="does not fit"):
        module_width(400, 300)


def test_a_long_tool_name_is_cut_short_inside_the_label():
    long_name = "Ladder, six foot fibreglass step ladder with tool tray and extra wide feet"
    image = _draw(LabelText(tool_code(9), long_name, "Maple Street Tool Library"))
    margin = round(1.2 * 600 / 25.4) - 2
    assert image[:, :margin].min() == 255 and image[:, -margin:].min() == 255  # nothing runs off the edge
    assert image[:margin].min() == 255 and image[-margin:].min() == 255


def test_a_blank_label_has_taller_bars_than_a_titled_one():
    code = tool_code(10)

    def bar_height(image: np.ndarray) -> int:
        return int((image[:, image.shape[1] // 2 - 40 : image.shape[1] // 2 + 40] < 128).any(axis=1).sum())

    assert bar_height(_draw(LabelText(code))) > bar_height(_draw(LabelText(code, "Tile saw")))
