"""One label: a Code128 barcode, the code in large type, a title and the library's name.

Bars are drawn module by module on whole printer dots, so every bar prints at
exactly the width the symbology asks for; the module is the widest that fits
the label with the ten-module quiet zones Code128 needs on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass

from barcode import Code128
from PIL import Image, ImageDraw

from kiosk.labels.fonts import Font, font

QUIET_MODULES = 10
PAD_MM = 1.2  # printers place sheets a millimetre or so off; keep ink away from the die cut
MIN_TITLE_SHRINK = 0.6  # a long tool name shrinks to this share of its line before it is cut short
# Line height is measured on these, so every label's type sits on the same baseline
# whatever its letters; codes are capitals and digits only.
LINE_SAMPLE = {"title": "ÅgÉy", "code": "A0", "small": "ÅgÉy"}


@dataclass(frozen=True)
class LabelText:
    """What one label says: its code, a title (tool or member name, may be empty) and the library's name."""

    code: str
    title: str = ""
    library: str = ""


def code128_modules(code: str) -> str:
    """The code's Code128 symbol as '1' (bar) and '0' (space) modules, start to stop."""
    return Code128(code).build()[0]


def module_width(modules: int, available_px: int) -> int:
    """Widest whole-dot module that fits ``modules`` plus both quiet zones in ``available_px``."""
    width = available_px // (modules + 2 * QUIET_MODULES)
    if width < 1:
        raise ValueError(f"a barcode of {modules} modules does not fit in {available_px} dots")
    return width


def label_module_px(code: str, size_px: tuple[int, int], dpi: int) -> int:
    """The width in dots of one bar module on a label of ``size_px`` for ``code``."""
    return module_width(len(code128_modules(code)), size_px[0] - 2 * round(PAD_MM * dpi / 25.4))


def draw_label(text: LabelText, size_px: tuple[int, int], dpi: int) -> Image.Image:
    """The label as a black-and-white image of ``size_px`` at ``dpi`` dots per inch."""
    width, height = size_px
    image = Image.new("1", size_px, 1)
    draw = ImageDraw.Draw(image)
    dot_per_mm = dpi / 25.4
    pad = round(PAD_MM * dot_per_mm)
    inner_w, inner_h = width - 2 * pad, height - 2 * pad

    # Rows from top to bottom as shares of the height inside the padding, up to
    # a size that reads well on a tall label; the bars take the rest, so an
    # untitled (blank) label or a tall one gets taller bars.
    def row(share: float, most_mm: float) -> int:
        return round(min(inner_h * share, most_mm * dot_per_mm))

    title_h = row(0.2, 7.0) if text.title else 0
    code_h = row(0.2, 7.0)
    library_h = row(0.13, 4.0) if text.library else 0
    gap = row(0.03, 1.5)
    bars_h = inner_h - title_h - code_h - library_h - (3 if text.library else 2) * gap

    y = pad
    if text.title:
        _draw_fitted(draw, text.title, "title", (pad, y, inner_w, title_h), shrink_to=MIN_TITLE_SHRINK)
        y += title_h + gap
    _draw_bars(draw, code128_modules(text.code), (0, y, width, bars_h), pad)
    y += bars_h + gap
    _draw_fitted(draw, text.code, "code", (pad, y, inner_w, code_h), shrink_to=0.0)
    y += code_h + gap
    if text.library:
        _draw_fitted(draw, text.library, "small", (pad, y, inner_w, library_h), shrink_to=MIN_TITLE_SHRINK)
    return image


def _draw_bars(draw: ImageDraw.ImageDraw, modules: str, box: tuple[int, int, int, int], pad: int) -> None:
    x0, y0, width, height = box
    module = module_width(len(modules), width - 2 * pad)  # label_module_px says the same
    x = x0 + (width - module * len(modules)) // 2
    run_start = None
    for i, bit in enumerate(modules + "0"):
        if bit == "1" and run_start is None:
            run_start = i
        elif bit == "0" and run_start is not None:
            draw.rectangle((x + run_start * module, y0, x + i * module - 1, y0 + height - 1), fill=0)
            run_start = None


def _draw_fitted(draw: ImageDraw.ImageDraw, text: str, face: str, box: tuple[int, int, int, int], *, shrink_to: float) -> None:
    """Centres ``text`` in ``box`` at the largest size that fits its width.

    It may shrink to ``shrink_to`` of the box height; below that it is cut
    short with an ellipsis (``shrink_to=0`` never cuts: codes print whole).
    """
    x0, y0, width, height = box
    size = _largest_size(text, face, width, height)
    floor = max(1, int(height * shrink_to))
    if size < floor:
        size = floor
        while text and _text_width(text + "…", font(face, size)) > width:
            text = text[:-1].rstrip()
        text += "…"
    chosen = font(face, size)
    left, _, right, _ = chosen.getbbox(text)
    _, top, _, bottom = chosen.getbbox(LINE_SAMPLE[face])
    x = x0 + (width - (right - left)) // 2 - left
    y = y0 + (height - (bottom - top)) // 2 - top
    draw.text((x, y), text, font=chosen, fill=0)


def _largest_size(text: str, face: str, width: int, height: int) -> int:
    low, high = 1, max(1, 2 * height)
    while low < high:
        mid = (low + high + 1) // 2
        chosen = font(face, mid)
        _, top, _, bottom = chosen.getbbox(LINE_SAMPLE[face])
        if _text_width(text, chosen) <= width and bottom - top <= height:
            low = mid
        else:
            high = mid - 1
    return low


def _text_width(text: str, chosen: Font) -> int:
    left, _, right, _ = chosen.getbbox(text)
    return right - left
