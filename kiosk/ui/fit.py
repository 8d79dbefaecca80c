"""Finds text that does not fit: a label whose text needs more room than its widget has,
or that sits outside the window (outside a scrolling list). kiosk.ui.placement finds the
widgets that are out of sight, covered, or cut under a heading."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from kivy.core.text import Label as CoreLabel
from kivy.core.window import Window
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView
from kivy.uix.vkeyboard import VKeyboard

SLACK = 1.5  # pixels of rounding


@dataclass(frozen=True)
class Misfit:
    text: str
    widget: str
    size: tuple[int, int]
    needed: tuple[int, int]
    why: str

    def __str__(self) -> str:
        return f"{self.widget} {self.text!r}: {self.why} (has {self.size}, needs {self.needed})"


def needed_size(label: Label) -> tuple[float, float]:
    """The room the label's text takes when laid out as the label lays it out, with unlimited height."""
    options = dict(label._label.options)
    width = label.text_size[0]
    options["text_size"] = (width, None)
    options["shorten"] = False
    core = CoreLabel(**options)
    core.refresh()
    needed_w, needed_h = core.content_size
    if width is not None:  # wrapping: the text takes the width it is given
        needed_w = min(needed_w, width + label.padding[0] + label.padding[2])
    return needed_w, needed_h


def _longest_word(label: Label) -> float:
    """The width of the label's widest word, which wrapping cannot make narrower."""
    widest = 0.0
    for word in set(label.text.split()):
        core = CoreLabel(**{**label._label.options, "text": word, "text_size": (None, None), "padding": (0, 0, 0, 0)})
        core.refresh()
        widest = max(widest, core.content_width)
    return widest


def misfits(roots: Iterable[Any], lifted: float = 0.0) -> list[Misfit]:
    """``lifted``: how far the on-screen keyboard has moved the screen up; what it pushed past
    the top of the window is out of sight on purpose, until the keyboard goes."""
    found = []
    for root in roots:
        if isinstance(root, VKeyboard):  # Kivy's keys, laid out by Kivy
            continue
        for widget in root.walk(restrict=True):
            if not isinstance(widget, Label) or not widget.text.strip() or not shown(widget):
                continue
            need_w, need_h = needed_size(widget)
            size = (round(widget.width), round(widget.height))
            needed = (round(need_w), round(need_h))
            name = type(widget).__name__
            drawn_w, drawn_h = widget.texture_size
            if drawn_w > widget.width + SLACK or drawn_h > widget.height + SLACK:
                found.append(Misfit(widget.text, name, size, (round(drawn_w), round(drawn_h)), "text drawn larger than its widget"))
            elif need_w > widget.width + SLACK or need_h > widget.height + SLACK:
                found.append(Misfit(widget.text, name, size, needed, "text larger than its widget"))
            elif widget.text_size[0] is not None and _longest_word(widget) > widget.text_size[0] + SLACK:
                found.append(Misfit(widget.text, name, size, needed, "a word is broken across lines"))
            elif scroll_of(widget) is None and not _in_window(widget, lifted):
                found.append(Misfit(widget.text, name, size, needed, "outside the window"))
    return found


def shown(widget: Any) -> bool:
    """Drawn on screen: nothing above it is see-through, and it has a size (or, for a label,
    text: Kivy draws a label's text even when its widget has no height)."""
    node = widget
    while node is not None and node.parent is not node:
        if getattr(node, "opacity", 1) == 0:
            return False
        node = node.parent
    if isinstance(widget, Label) and widget.text.strip():
        return True
    return widget.width > 0 and widget.height > 0


def scroll_of(widget: Any) -> ScrollView | None:
    """The scrolling list the widget is in, if any."""
    node = widget.parent
    while node is not None and node.parent is not node:
        if isinstance(node, ScrollView):
            return node
        node = node.parent
    return None


def _in_window(widget: Any, lifted: float) -> bool:
    x, y = widget.to_window(widget.x, widget.y)
    return (x >= -SLACK and y >= -SLACK and x + widget.width <= Window.width + SLACK
            and y + widget.height <= Window.height + lifted + SLACK)
