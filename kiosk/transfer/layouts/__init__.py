"""The layouts an import can read, one module per system, and telling them apart by the header row."""

from __future__ import annotations

from kiosk.transfer.errors import UnknownLayout
from kiosk.transfer.layouts import circulate, generic, lendengine, myturn
from kiosk.transfer.layouts.base import Layout, Record

# The order breaks ties when detecting: a bare "code,name" file is our own.
TOOL_LAYOUTS: dict[str, Layout] = {m.TOOLS.name: m.TOOLS for m in (generic, myturn, lendengine, circulate)}
MEMBER_LAYOUTS: dict[str, Layout] = {m.MEMBERS.name: m.MEMBERS for m in (generic, myturn, lendengine, circulate)}

__all__ = ["Layout", "Record", "TOOL_LAYOUTS", "MEMBER_LAYOUTS", "best_fit", "choose"]


def best_fit(columns: list[str], layouts: dict[str, Layout]) -> tuple[Layout, int] | None:
    """The layout whose required columns the header has and which knows most of its columns, with that count."""
    fitting = [(layout, layout.score(columns)) for layout in layouts.values() if not layout.missing(columns)]
    return max(fitting, key=lambda fit: fit[1], default=None)


def choose(columns: list[str], layouts: dict[str, Layout], requested: str | None) -> tuple[Layout, bool]:
    """The layout to read a file with, and whether it was detected (rather than asked for)."""
    fit = best_fit(columns, layouts)
    if requested is None:
        if fit is None:
            raise UnknownLayout(
                "the header row fits none of the layouts this import reads ("
                + ", ".join(layout.title for layout in layouts.values())
                + "); a file of our own needs at least the columns 'code' and 'name'. The header has: "
                + ", ".join(columns))
        return fit[0], True
    if requested not in layouts:
        raise UnknownLayout(f"unknown layout {requested!r}; use one of {', '.join(layouts)}")
    layout = layouts[requested]
    missing = layout.missing(columns)
    if missing:
        hint = f"; its header looks like {fit[0].title}, so try --from {fit[0].name}" if fit else ""
        raise UnknownLayout(f"this is not a {layout.title} export: it has no column "
                            + " or ".join(f"'{c}'" for c in missing) + hint)
    return layout, False
