"""A member's holds as rows of their list on the member screen, each with Cancel."""

from __future__ import annotations

from typing import Any

from kiosk.ui.i18n import _, long_date
from kiosk.ui.widgets import ToolRow


def hold_rows(holds: list[dict[str, Any]]) -> list[ToolRow]:
    rows = []
    for hold in holds:
        if hold["status"] == "ready":
            detail = _("On the hold shelf for you until {date}").format(date=long_date(hold["ready_until"]))
        else:
            detail = _("Waiting list: number {place} in line").format(place=hold["position"])
        rows.append(ToolRow(title=hold["tool_name"] or hold["tool_code"], detail=detail, code=hold["id"],
                            action=_("Cancel"), with_photo=False))
    return rows
