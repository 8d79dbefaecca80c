"""The impact report on the server: one library's, or its partner network's added up, from the
same counting as the kiosk (``kiosk.ledger.impact``), and who agreed to share their figures."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from kiosk.ledger import impact
from sync.server.web.charts import Chart, rows
from sync.server.web.state import WebState

TOP_CATEGORIES = 8   # the chart's bars; the table lists every one


def library_figures(state: WebState, library: str, start: date, end: date) -> impact.Figures:
    view = state.views.get(library)
    return impact.gather(lambda sql, args: view.query(sql, args), library, start, end)


def shares(state: WebState, library: str) -> bool:
    row = state.db.one("SELECT shared FROM report_sharing WHERE library = ?", (library,))
    return bool(row and row["shared"])


def set_sharing(state: WebState, library: str, shared: bool, who: str) -> None:
    state.db.execute(
        "INSERT OR REPLACE INTO report_sharing (library, shared, changed_at, changed_by) VALUES (?, ?, ?, ?)",
        (library, int(shared), time.time(), who))


def network(state: WebState, library: str) -> list[str]:
    """This library and the partners that share their figures; empty unless this library shares too."""
    if not shares(state, library):
        return []
    return [library] + sorted(p for p in state.source.partners(library) if shares(state, p))


def report(state: WebState, libraries: list[str], start: date, end: date) -> dict[str, Any]:
    """The published report (small groups merged) of one library or several added up."""
    figures = impact.combine(library_figures(state, slug, start, end) for slug in libraries)
    return impact.publish(figures, start, end)


def charts(result: dict[str, Any]) -> dict[str, Chart]:
    return {
        "categories": rows([(r["category"], r["loans"]) for r in result["by_category"][:TOP_CATEGORIES]]),
        "areas": rows([(r["area"], r["borrowers"]) for r in result["by_area"][:TOP_CATEGORIES]]),
    }
