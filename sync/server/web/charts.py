"""The geometry of the statistics page's bar charts, drawn as inline SVG by the template (no scripts)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    top: int           # the value the full height stands for (four gridlines)
    baseline: float    # y of the zero line
    left: int          # x where the bars begin; the scale's numbers sit to its left
    ceiling: int       # y of the top gridline


def columns(points: list[tuple[str, int]], *, width: int = 600, height: int = 200, label_room: int = 22,
            scale_room: int = 34, head_room: int = 16) -> Chart:
    """Vertical bars side by side, scaled to the tallest one (rounded up to a readable number)."""
    top = _nice_ceiling(max((v for _, v in points), default=0))
    plot = height - label_room - head_room
    slot = (width - scale_room) / max(len(points), 1)
    bars = [Bar(label, value, x=scale_room + i * slot + slot * 0.15, y=head_room + plot - plot * value / top,
                width=slot * 0.7, height=plot * value / top) for i, (label, value) in enumerate(points)]
    return Chart(bars, width, height, top, head_room + plot, scale_room, head_room)


def rows(points: list[tuple[str, int]], *, width: int = 560, row: int = 30, label_room: int = 170,
         value_room: int = 48) -> Chart:
    """Horizontal bars one under another, names to their left: long names stay readable on a phone,
    where names under side-by-side columns would run into each other. The scale is the bars' own
    numbers, written at their ends."""
    top = _nice_ceiling(max((v for _, v in points), default=0))
    span = width - label_room - value_room
    bars = [Bar(label, value, x=label_room, y=i * row + row * 0.15, width=span * value / top, height=row * 0.7)
            for i, (label, value) in enumerate(points)]
    return Chart(bars, width, max(len(points), 1) * row, top, 0, label_room, 0)


def _nice_ceiling(value: int) -> int:
    """The smallest top at or above ``value`` that splits into four gridlines of 1, 2 or 5 times a power of ten."""
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            if step * magnitude * 4 >= value:
                return step * magnitude * 4
        magnitude *= 10
