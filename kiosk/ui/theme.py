"""Colours and sizes of the kiosk, read by the .kv files when a widget is made.

Two looks: the everyday one, and a larger-text, high-contrast one a borrower
turns on for their session (:func:`use_large`); the app then makes its
screens anew, so every rule reads the new values.

Text is WCAG AA or better against what it sits on (TEXT on BACKGROUND or
SURFACE about 15:1, white on the button colours 5.5:1 or more); every button's
edge stands out 3:1 or more from the ground around it (WCAG 1.4.11). Sizes are
computed when read, so they follow the density the app sets for its screen.
"""

from __future__ import annotations

from kivy.metrics import dp, sp
from kivy.utils import get_color_from_hex as hex_

EVERYDAY = {
    "BACKGROUND": "#F2F2EF",
    "SURFACE": "#FFFFFF",
    "FIELD": "#FFFFFF",
    "BORDER": "#767676",
    "TEXT": "#1A1A1A",
    "MUTED": "#454545",
    "PRIMARY": "#0B4F9C",
    "PRIMARY_DOWN": "#063366",
    "ON_PRIMARY": "#FFFFFF",
    "OK": "#1B6E20",
    "OK_DOWN": "#0F4A13",
    "BAD": "#B3261E",
    "BAD_DOWN": "#7A1712",
    "BAD_TEXT": "#A4161A",
    "QUIET": "#FFFFFF",        # a quiet button: light, with a dark edge
    "QUIET_DOWN": "#D6D6D2",
    "QUIET_EDGE": "#5C5C57",
    "ROW_EDGE": "#CFCFCA",     # list rows are told apart by their ground; the edge only tidies
    "FOCUS": "#F9A825",
    "DISABLED": "#E3E3DF",     # a button that cannot be pressed yet: flat, no edge, greyed text
    "DISABLED_TEXT": "#5E5E5A",
    "PREVIEW": "#202020",
    "PLACEHOLDER": "#DADAD6",  # where a photo would be
    "FLASH_OK": "#2E7D32",
    "FLASH_BAD": "#C62828",
}
HIGH_CONTRAST = {
    **EVERYDAY,
    "BACKGROUND": "#FFFFFF",
    "BORDER": "#000000",
    "TEXT": "#000000",
    "MUTED": "#1A1A1A",
    "PRIMARY": "#003A7A",
    "PRIMARY_DOWN": "#001F42",
    "OK": "#0B4A10",
    "OK_DOWN": "#052A08",
    "BAD": "#8A0E0E",
    "BAD_DOWN": "#550707",
    "BAD_TEXT": "#8A0E0E",
    "QUIET_DOWN": "#C8C8C8",
    "QUIET_EDGE": "#000000",
    "ROW_EDGE": "#000000",
    "DISABLED": "#D9D9D9",
    "DISABLED_TEXT": "#3A3A3A",
}

SIZES = {
    "SMALL": ("sp", 20),     # the smallest text anywhere: captions, hints
    "BODY": ("sp", 22),
    "BUTTON": ("sp", 22),
    "TITLE": ("sp", 28),
    "HEADLINE": ("sp", 44),
    "TOUCH": ("dp", 60),     # the least height of anything touched: 9 mm and more at 170 dpi
    "GAP": ("dp", 8),
    "EDGE": ("dp", 2),       # a quiet button's outline
}
LARGE = {"SMALL": 1.3, "BODY": 1.3, "BUTTON": 1.3, "TITLE": 1.15, "HEADLINE": 1.0, "TOUCH": 1.1, "GAP": 1.0,
         "EDGE": 1.5}  # the larger look's factors; titles are large already


large = False  # the larger-text, high-contrast look is in use


def use_large(on: bool) -> None:
    global large
    large = on


def __getattr__(name: str) -> object:
    if name in EVERYDAY:
        return hex_((HIGH_CONTRAST if large else EVERYDAY)[name])
    if name in SIZES:
        unit, value = SIZES[name]
        value *= LARGE[name] if large else 1.0
        return sp(value) if unit == "sp" else dp(value)
    raise AttributeError(name)
