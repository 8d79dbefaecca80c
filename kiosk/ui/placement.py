"""Finds widgets meant to be seen that cannot be: a button, field, row, picture or text
outside the window, covered by another widget, or cut by the top of its scrolling list
(scrolled under the heading above it); and keys of the on-screen keyboard off the screen.

A list may cut its last row at the bottom: that is how a list shows there is more below.
A dialog covers the screen on purpose, so widgets are compared within one root only.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from kivy.core.window import Window
from kivy.uix.button import Button
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.textinput import TextInput
from kivy.uix.vkeyboard import VKeyboard

from kiosk.ui.fit import SLACK, Misfit, scroll_of, shown
from kiosk.ui.keyboard import keys_off_screen
from kiosk.ui.widgets import ToolRow

Rect = tuple[float, float, float, float]  # left, bottom, right, top in window coordinates


def misplaced(roots: Iterable[Any], lifted: float = 0.0) -> list[Misfit]:
    """``lifted``: how far the on-screen keyboard has moved the screen up (see fit.misfits)."""
    found: list[Misfit] = []
    for root in roots:
        if isinstance(root, VKeyboard):
            found += _keys_off_screen(root)
            continue
        seen = list(_seen(root))
        for widget, rect, clipped in seen:
            if clipped == "top":
                found.append(_misfit(widget, "cut at the top of its list"))
            elif clipped is None and not _inside_window(rect, lifted):
                found.append(_misfit(widget, "outside the window"))
        found += _covered(seen)
    return found


def _seen(root: Any) -> Iterator[tuple[Any, Rect, str | None]]:
    """Each widget meant to be seen, with the part of it that shows, and "top" for a row its
    scrolling list cuts at the top ("" for any other widget in a list, None outside any)."""
    for widget in root.walk(restrict=True):
        if not _meant_to_be_seen(widget) or not shown(widget):
            continue
        rect = _window_rect(widget)
        scroll = scroll_of(widget)
        if scroll is None:
            yield widget, rect, None
            continue
        view = _window_rect(scroll)
        visible = (max(rect[0], view[0]), max(rect[1], view[1]), min(rect[2], view[2]), min(rect[3], view[3]))
        if visible[2] - visible[0] <= SLACK or visible[3] - visible[1] <= SLACK:
            continue  # scrolled out of sight
        # a row of tools cut at the top hides its name under the heading above the list; fields
        # of a form scrolled by hand may be cut anywhere
        cut = "top" if isinstance(widget, ToolRow) and rect[3] > view[3] + SLACK else ""
        yield widget, visible, cut


def _meant_to_be_seen(widget: Any) -> bool:
    if isinstance(widget, (Button, TextInput, ToolRow)):
        return True
    if isinstance(widget, Label):
        return bool(widget.text.strip())
    return isinstance(widget, Image) and (widget.texture is not None or bool(getattr(widget, "source", "")))


def _covered(seen: list[tuple[Any, Rect, str | None]]) -> list[Misfit]:
    """Pairs of widgets, neither inside the other, whose visible parts overlap."""
    found = []
    lineage = {id(w): _ancestors(w) for w, _rect, _cut in seen}
    for i, (a, ra, _) in enumerate(seen):
        for b, rb, _ in seen[i + 1:]:
            if id(a) in lineage[id(b)] or id(b) in lineage[id(a)]:
                continue
            if min(ra[2], rb[2]) - max(ra[0], rb[0]) > SLACK and min(ra[3], rb[3]) - max(ra[1], rb[1]) > SLACK:
                found.append(_misfit(a, f"overlaps {type(b).__name__} {_name(b)!r}"))
    return found


def _keys_off_screen(keyboard: VKeyboard) -> list[Misfit]:
    return [Misfit(key, "key", (0, 0), (0, 0), "key outside the window") for key in keys_off_screen(keyboard)]


def _misfit(widget: Any, why: str) -> Misfit:
    return Misfit(_name(widget), type(widget).__name__, (round(widget.width), round(widget.height)), (0, 0), why)


def _name(widget: Any) -> str:
    return getattr(widget, "text", "") or getattr(widget, "title", "") or getattr(widget, "source", "") or ""


def _window_rect(widget: Any) -> Rect:
    x, y = widget.to_window(widget.x, widget.y)
    return x, y, x + widget.width, y + widget.height


def _inside_window(rect: Rect, lifted: float) -> bool:
    return (rect[0] >= -SLACK and rect[1] >= -SLACK and rect[2] <= Window.width + SLACK
            and rect[3] <= Window.height + lifted + SLACK)


def _ancestors(widget: Any) -> set[int]:
    found, node = set(), widget.parent
    while node is not None and node.parent is not node:
        found.add(id(node))
        node = node.parent
    return found

