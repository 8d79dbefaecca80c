"""Pages of labels for a stock, written as PDF or PNG at print resolution."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from PIL import Image

from kiosk.labels.draw import LabelText, draw_label
from kiosk.labels.stock import Stock

FORMATS = (".pdf", ".png")


def _px(mm: float, dpi: int) -> int:
    return round(mm * dpi / 25.4)


def render_pages(labels: Sequence[LabelText], stock: Stock, dpi: int | None = None) -> list[Image.Image]:
    """One black-and-white image per page, labels placed row by row as the stock's template says."""
    dpi = dpi or stock.dpi
    label_px = stock.label_size_px(dpi)
    page_px = (_px(stock.page_size_mm[0], dpi), _px(stock.page_size_mm[1], dpi))
    origins = [(_px(x, dpi), _px(y, dpi)) for x, y in stock.label_origins_mm()]
    pages = []
    for start in range(0, len(labels), stock.per_page):
        page = Image.new("1", page_px, 1)
        for text, origin in zip(labels[start : start + stock.per_page], origins):
            label = draw_label(text, label_px, dpi)
            page.paste(label.rotate(90, expand=True) if stock.along_roll else label, origin)
        page.info["dpi"] = (dpi, dpi)
        pages.append(page)
    return pages


def write_pages(pages: Sequence[Image.Image], out: Path, dpi: int) -> list[Path]:
    """Writes a PDF (one file, one page per page) or PNGs (``name.png``, or ``name-1.png``... for several pages)."""
    if not pages:
        raise ValueError("there are no labels to write")
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"write labels to a .pdf or .png file, not {out.name!r}")
    if suffix == ".pdf":
        pages[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=list(pages[1:]))
        return [out]
    if len(pages) == 1:
        paths = [out]
    else:
        paths = [out.with_name(f"{out.stem}-{n}{out.suffix}") for n in range(1, len(pages) + 1)]
    for page, path in zip(pages, paths):
        page.save(path, "PNG", dpi=(dpi, dpi))
    return paths


def write_labels(labels: Sequence[LabelText], stock: Stock, out: Path, dpi: int | None = None) -> list[Path]:
    """Renders ``labels`` on ``stock`` and writes them to ``out``; returns the files written."""
    dpi = dpi or stock.dpi
    return write_pages(render_pages(labels, stock, dpi), out, dpi)
