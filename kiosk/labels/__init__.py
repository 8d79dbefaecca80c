"""Barcode labels for tools and member cards, on sheet stock or thermal rolls.

Pure drawing: callers pass the codes and names; nothing here reads the ledger.

    from kiosk.labels import LabelText, get_stock, write_labels
    write_labels([LabelText("MAPLE-T7K3QD-00C-A", "Hedge trimmer", "Maple St Tool Library")],
                 get_stock("5160"), Path("labels.pdf"))
"""

from kiosk.labels.draw import LabelText, code128_modules, draw_label, label_module_px
from kiosk.labels.sheets import render_pages, write_labels, write_pages
from kiosk.labels.stock import STOCKS, Stock, get_stock

__all__ = [
    "LabelText",
    "STOCKS",
    "Stock",
    "code128_modules",
    "draw_label",
    "get_stock",
    "label_module_px",
    "render_pages",
    "write_labels",
    "write_pages",
]
