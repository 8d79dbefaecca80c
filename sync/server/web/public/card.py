"""A member's card on a screen: the card's Code128 barcode as inline SVG, the same symbol as the printed card.

Inline SVG needs no script and no image request, scales to any screen without
blurring (whole modules, crisp edges), and keeps the ten-module quiet zones
the kiosk's decoder needs. ``templates/public/_card.html`` wraps it with the
library's name, the member's name and the code in type.
"""

from __future__ import annotations

from itertools import groupby

from markupsafe import Markup

from kiosk.labels import code128_modules
from kiosk.labels.draw import QUIET_MODULES

HEIGHT_SHARE = 0.32  # bar height as a share of the symbol's width: tall enough for a tilted camera


def card_svg(code: str) -> Markup:
    """The code's bars as an SVG that fills its container's width."""
    modules = code128_modules(code)
    width = len(modules) + 2 * QUIET_MODULES
    height = max(20, round(width * HEIGHT_SHARE))
    bars, x = [], QUIET_MODULES
    for bit, run in groupby(modules):
        count = len(list(run))
        if bit == "1":
            bars.append(f'<rect x="{x}" y="0" width="{count}" height="{height}"/>')
        x += count
    return Markup('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-label="{code}" '
                  'shape-rendering="crispEdges" preserveAspectRatio="none"><rect width="{w}" height="{h}" fill="#fff"/>'
                  '<g fill="#000">{bars}</g></svg>').format(w=width, h=height, code=code,
                                                             bars=Markup("".join(bars)))
