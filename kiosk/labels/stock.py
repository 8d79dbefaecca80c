"""Label stock: where each label sits on a printed page.

Sheet stock is a grid of die-cut labels on a Letter or A4 page; roll stock
(62 mm thermal printers) prints one label per page. The measurements are
data, from the manufacturers' templates: assets/labels/stocks.toml.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import Any

from kiosk import assets

INCH = 25.4
UNITS_MM = {"mm": 1.0, "in": INCH}


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


LENGTHS = ("label", "page", "origin", "pitch")  # pairs in the stock's unit; Stock keeps them in mm
COUNTS = ("description", "columns", "rows", "dpi", "along_roll")


def parse_stock(name: str, entry: dict[str, Any]) -> Stock:
    """One stock of stocks.toml, its lengths turned into millimetres."""
    unknown = set(entry) - {*LENGTHS, *COUNTS, "unit", "aliases"}
    if unknown:
        raise ValueError(f"label stock {name}: unknown fields {sorted(unknown)} in stocks.toml")
    scale = UNITS_MM[entry["unit"]]
    lengths = {f"{key}_mm": (entry[key][0] * scale, entry[key][1] * scale) for key in LENGTHS if key in entry}
    return Stock(name=name, **{key: entry[key] for key in COUNTS if key in entry}, **lengths)


_ENTRIES = tomllib.loads(assets.path("labels", "stocks.toml").read_text(encoding="utf-8"))
STOCKS: dict[str, Stock] = {name: parse_stock(name, entry) for name, entry in _ENTRIES.items()}
ALIASES = {alias: name for name, entry in _ENTRIES.items() for alias in entry.get("aliases", ())}


def get_stock(name: str) -> Stock:
    """The stock called ``name`` (case-insensitive, common aliases allowed); KeyError with the choices otherwise."""
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key not in STOCKS:
        raise KeyError(f"unknown label stock {name!r}; choose one of: {', '.join(STOCKS)}")
    return STOCKS[key]
