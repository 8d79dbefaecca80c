"""The layouts an import can read, one module per system, and telling them apart by the header row."""

from __future__ import annotations

from kiosk.transfer.errors import UnknownLayout
from kiosk.transfer.layouts import circulate, generic, lendengine, myturn
from kiosk.transfer.layouts.base import Layout, Record
from kiosk.transfer.reader import column_key

# The order breaks ties when detecting: a bare "code,name" file is our own.
TOOL_LAYOUTS: dict[str, Layout] = {m.TOOLS.name: m.TOOLS for m in (generic, myturn, lendengine, circulate)}
MEMBER_LAYOUTS: dict[str, Layout] = {m.MEMBERS.name: m.MEMBERS for m in (generic, myturn, lendengine, circulate)}

__all__ = ["Layout", "Record", "TOOL_LAYOUTS", "MEMBER_LAYOUTS", "choose"]


def choose(columns: list[str], layouts: dict[str, Layout], requested: str | None) -> tuple[Layout, bool]:
    """The layout to read a file with, and whether it was detected (rather than asked for)."""
    header = frozenset(column_key(c) for c in columns)
    fitting = [layout for layout in layouts.values() if not layout.missing(header)]
    best = max(fitting, key=lambda layout: layout.score(header), default=None)
    if requested is None:
        if best is None:
            raise UnknownLayout(
                "the header row fits none of the layouts this import reads ("
                + ", ".join(layout.title for layout in layouts.values())
                + f"); a file of our own needs at least the columns 'code' and 'name'. The header has: "
                + ", ".join(columns))
        return best, True
    if requested not in layouts:
        raise UnknownLayout(f"unknown layout {requested!r}; use one of {', '.join(layouts)}")
    layout = layouts[requested]
    missing = layout.missing(header)
    if missing:
        hint = f"; its header looks like {best.title}, so try --from {best.name}" if best else ""
        raise UnknownLayout(f"this is not a {layout.title} export: it has no column "
                            + " or ".join(f"'{c}'" for c in missing) + hint)
    return layout, False
