"""Colours and sizes of the kiosk, read by the .kv files.

Colours are WCAG AA or better against what they sit on (text on BACKGROUND
or SURFACE about 15:1, white on the button colours 5.5:1 or more). Sizes are
computed when read, so they follow the density the app sets for its screen.
"""

from __future__ import annotations

from kivy.metrics import dp, sp
from kivy.utils import get_color_from_hex as hex_

BACKGROUND = hex_("#F2F2EF")
SURFACE = hex_("#FFFFFF")
FIELD = hex_("#FFFFFF")
BORDER = hex_("#767676")
TEXT = hex_("#1A1A1A")
MUTED = hex_("#454545")
PRIMARY = hex_("#0B4F9C")
PRIMARY_DOWN = hex_("#063366")
ON_PRIMARY = hex_("#FFFFFF")
OK = hex_("#1B6E20")
OK_DOWN = hex_("#0F4A13")
BAD = hex_("#B3261E")
BAD_DOWN = hex_("#7A1712")
BAD_TEXT = hex_("#A4161A")
QUIET = hex_("#DADAD6")
QUIET_DOWN = hex_("#B5B5B0")
FOCUS = hex_("#F9A825")
DISABLED = hex_("#C4C4C0")  # with TEXT on it: a button that cannot be pressed yet
PREVIEW = hex_("#202020")
FLASH_OK = hex_("#2E7D32")
FLASH_BAD = hex_("#C62828")

_SIZES = {
    "SMALL": ("sp", 20),     # the smallest text anywhere: captions, hints
    "BODY": ("sp", 22),
    "BUTTON": ("sp", 22),
    "TITLE": ("sp", 28),
    "HEADLINE": ("sp", 44),
    "TOUCH": ("dp", 60),     # the least height of anything touched: 9 mm and more at 170 dpi
    "GAP": ("dp", 8),
}


def __getattr__(name: str) -> float:
    try:
        unit, value = _SIZES[name]
    except KeyError:
        raise AttributeError(name) from None
    return sp(value) if unit == "sp" else dp(value)
