"""Pictures of our own labels, as the synthetic camera takes them: shared by scan and label tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kiosk.labels import LabelText, draw_label, get_stock, label_module_px
from kiosk.ledger.codes import mint_code

PHOTOS = Path(__file__).resolve().parents[3] / "shared" / "data" / "barcode-photos"


def label_card(code: str, title: str = "Cordless drill", stock: str = "5160", library: str = "Maple Street Tool Library") -> tuple[np.ndarray, int]:
    """A label as a grayscale array, and the width of one bar module in its pixels."""
    chosen = get_stock(stock)
    size = chosen.label_size_px()
    image = draw_label(LabelText(code, title, library), size, chosen.dpi)
    return np.asarray(image.convert("L")), label_module_px(code, size, chosen.dpi)


def tool_code(sequence: int, device: str = "K3QD7") -> str:
    return mint_code("maple", "tool", device, sequence)


def barcode_box(card: np.ndarray, module: int) -> tuple[int, int, int, int]:
    """Where a label's bars are, with their quiet zones: what must be in view for a scan."""
    dark = card < 128
    crossings = np.count_nonzero(np.diff(dark.astype(np.int8), axis=1), axis=1)
    rows = np.flatnonzero(crossings >= 100)  # bars cross dark and light far more often than type does
    columns = np.flatnonzero(dark[rows].any(axis=0))
    quiet = 10 * module
    return (max(0, columns[0] - quiet), rows[0], min(card.shape[1], columns[-1] + 1 + quiet), rows[-1] + 1)
