"""Label stock: where each label sits on a printed page.

Sheet stock is a grid of die-cut labels on a Letter or A4 page; roll stock
(62 mm thermal printers) prints one label per page. Measurements are the
manufacturers' templates, in millimetres.
"""

from __future__ import annotations

from dataclasses import dataclass

INCH = 25.4


@dataclass(frozen=True)
class Stock:
    name: str
    description: str
    label_mm: tuple[float, float]  # width, height of one label
    page_mm: tuple[float, float] | None = None  # None: roll stock, the page is the label
    columns: int = 1
    rows: int = 1
    origin_mm: tuple[float, float] = (0.0, 0.0)  # top-left corner of the first label
    pitch_mm: tuple[float, float] = (0.0, 0.0)  # from one label's corner to the next one's
    dpi: int = 600  # office printers print sheets at 600 dpi; finer dots let bars be wider
    along_roll: bool = False  # roll stock printed with the label's length along the roll: the page is the label turned


    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def footprint_mm(self) -> tuple[float, float]:
        """Width and height a label takes up on the page: turned, for labels printed along a roll."""
        return (self.label_mm[1], self.label_mm[0]) if self.along_roll else self.label_mm

    @property
    def page_size_mm(self) -> tuple[float, float]:
        return self.page_mm or self.footprint_mm

    def label_size_px(self, dpi: int | None = None) -> tuple[int, int]:
        """One label's width and height in printer dots."""
        dpi = dpi or self.dpi
        return round(self.label_mm[0] * dpi / INCH), round(self.label_mm[1] * dpi / INCH)

    def label_origins_mm(self) -> list[tuple[float, float]]:
        """Top-left corners of the labels on one page, row by row."""
        x0, y0 = self.origin_mm
        dx, dy = self.pitch_mm
        return [(x0 + c * dx, y0 + r * dy) for r in range(self.rows) for c in range(self.columns)]


STOCKS: dict[str, Stock] = {
    s.name: s
    for s in (
        Stock(
            name="5160",
            description="US Letter, 3 x 10 labels of 66.7 x 25.4 mm (Avery 5160 and compatibles)",
            label_mm=(2.625 * INCH, 1.0 * INCH),
            page_mm=(8.5 * INCH, 11.0 * INCH),
            columns=3,
            rows=10,
            origin_mm=(0.1875 * INCH, 0.5 * INCH),
            pitch_mm=(2.75 * INCH, 1.0 * INCH),
        ),
        Stock(
            name="l7160",
            description="A4, 3 x 7 labels of 63.5 x 38.1 mm (Avery L7160 and compatibles)",
            label_mm=(63.5, 38.1),
            page_mm=(210.0, 297.0),
            columns=3,
            rows=7,
            origin_mm=(7.25, 15.15),
            pitch_mm=(66.04, 38.1),
        ),
        Stock(
            # Across a 62 mm roll a thermal head's 300 dpi allow bars of only 0.17 mm for
            # our codes, too fine for a 640x480 camera; along the roll they get 0.25 mm.
            name="62mm",
            description="62 mm continuous roll for thermal printers (Brother DK-22205 and compatibles): "
            "75 x 62 mm labels, printed along the roll",
            label_mm=(75.0, 62.0),
            dpi=300,  # the printers' own resolution: a PNG at any other would be resampled
            along_roll=True,
        ),
    )
}
ALIASES = {"avery5160": "5160", "avery-5160": "5160", "7160": "l7160", "avery-l7160": "l7160", "62": "62mm", "dk-22205": "62mm"}


def get_stock(name: str) -> Stock:
    """The stock called ``name`` (case-insensitive, common aliases allowed); KeyError with the choices otherwise."""
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key not in STOCKS:
        raise KeyError(f"unknown label stock {name!r}; choose one of: {', '.join(STOCKS)}")
    return STOCKS[key]
