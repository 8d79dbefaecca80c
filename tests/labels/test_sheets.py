import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pyzbar import pyzbar

from kiosk.labels import LabelText, get_stock, render_pages, write_labels
from tests.scan.cards import tool_code


def _labels(count: int) -> list[LabelText]:
    return [LabelText(tool_code(n), f"Tool {n}", "Maple Street Tool Library") for n in range(count)]


def test_a_page_holds_as_many_labels_as_the_stock_and_the_rest_go_on_the_next():
    stock = get_stock("5160")
    pages = render_pages(_labels(31), stock, dpi=300)
    assert len(pages) == 2
    assert pages[0].size == (2550, 3300) and pages[0].info["dpi"] == (300, 300)
    first = sorted(d.data.decode() for d in pyzbar.decode(np.asarray(pages[0].convert("L"))))
    second = [d.data.decode() for d in pyzbar.decode(np.asarray(pages[1].convert("L")))]
    assert first == sorted(tool_code(n) for n in range(30))
    assert second == [tool_code(30)]


def test_labels_land_where_the_template_puts_them():
    stock = get_stock("l7160")
    page = np.asarray(render_pages(_labels(21), stock, dpi=300)[0].convert("L"))
    per_mm = 300 / 25.4
    for x, y in stock.label_origins_mm():
        # just outside each label is blank; inside, something is printed
        left, top = round(x * per_mm), round(y * per_mm)
        width, height = (round(v * per_mm) for v in stock.label_mm)
        assert page[top : top + height, left : left + width].min() == 0
    gutter = round((stock.origin_mm[0] + stock.label_mm[0] + 1.0) * per_mm)
    assert page[:, gutter].min() == 255


def test_a_pdf_has_one_page_per_sheet(tmp_path: Path):
    files = write_labels(_labels(45), get_stock("5160"), tmp_path / "labels.pdf", dpi=300)
    assert files == [tmp_path / "labels.pdf"]
    data = files[0].read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) == 2


def test_thermal_labels_are_one_png_per_label_at_the_printers_resolution_turned_along_the_roll(tmp_path: Path):
    files = write_labels(_labels(3), get_stock("62mm"), tmp_path / "label.png")
    assert [f.name for f in files] == ["label-1.png", "label-2.png", "label-3.png"]
    with Image.open(files[0]) as image:
        assert image.size == (732, 886)  # 62 mm across the roll, 75 mm along it
        assert round(image.info["dpi"][0]) == 300
        read = pyzbar.decode(np.asarray(image.convert("L")))
    assert [d.data.decode() for d in read] == [tool_code(0)]
    assert read[0].orientation in ("LEFT", "RIGHT")  # bars run across the roll


def test_only_pdf_and_png_are_written(tmp_path: Path):
    with pytest.raises(ValueError, match="pdf or .png"):
        write_labels(_labels(1), get_stock("5160"), tmp_path / "labels.svg")
