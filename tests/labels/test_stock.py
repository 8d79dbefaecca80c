import pytest

from kiosk.labels import STOCKS, get_stock
from kiosk.labels.stock import parse_stock


@pytest.mark.parametrize("name, per_page", [("5160", 30), ("l7160", 21), ("62mm", 1)])
def test_each_stock_has_its_grid(name, per_page):
    assert get_stock(name).per_page == per_page


@pytest.mark.parametrize("stock", STOCKS.values(), ids=lambda s: s.name)
def test_labels_sit_inside_the_page_without_overlapping(stock):
    width, height = stock.footprint_mm
    corners = stock.label_origins_mm()
    page_w, page_h = stock.page_size_mm
    for x, y in corners:
        assert 0 <= x and x + width <= page_w + 0.01 and 0 <= y and y + height <= page_h + 0.01
    for i, (x1, y1) in enumerate(corners):
        for x2, y2 in corners[i + 1 :]:
            assert abs(x1 - x2) >= width - 0.01 or abs(y1 - y2) >= height - 0.01


def test_names_are_forgiving_and_unknown_ones_list_the_choices():
    assert get_stock("Avery5160") is get_stock("5160")
    assert get_stock("L7160").name == "l7160"
    with pytest.raises(KeyError, match="5160, l7160, 62mm"):
        get_stock("A4-plain")


def test_measurements_come_from_stocks_toml_in_their_own_units():
    avery = get_stock("5160")  # Avery's template is in inches
    assert avery.label_mm == pytest.approx((66.675, 25.4)) and avery.page_mm == pytest.approx((215.9, 279.4))
    roll = get_stock("62mm")
    assert roll.page_mm is None and roll.dpi == 300 and roll.along_roll
    assert get_stock("l7160").dpi == 600  # the default, left out of the file


def test_a_misspelt_field_in_stocks_toml_is_refused_by_name():
    entry = {"description": "x", "unit": "mm", "label": [50, 30], "colums": 3}
    with pytest.raises(ValueError, match=r"label stock x: unknown fields \['colums'\]"):
        parse_stock("x", entry)
