"""Statistics: loans and active members per week, most borrowed tools, tools never borrowed."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query, Request, Response

from sync.server.web import charts, queries, repair_queries
from sync.server.web.guards import signed_in, web_state
from sync.server.web.render import SecureRoute, page
from sync.server.web.sessions import Session
from sync.server.web.state import WebState

router = APIRouter(route_class=SecureRoute)


def _week_label(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.day} {day.strftime('%b')}"


@router.get("/stats")
def stats_page(request: Request, weeks: int = Query(12, ge=4, le=52), session: Session = Depends(signed_in),
               state: WebState = Depends(web_state)) -> Response:
    view = state.views.get(session.account.library)
    stats = queries.stats(view, state.config.today(), weeks=weeks)
    loans_chart = charts.columns([(_week_label(w["week"]), w["loans"]) for w in stats["weeks"]])
    members_chart = charts.columns([(_week_label(w["week"]), w["members"]) for w in stats["weeks"]])
    most = stats["most_borrowed"]
    return page(request, "stats.html", session=session, stats=stats, repairs=repair_queries.summary(view),
                weeks=weeks, loans_chart=loans_chart,
                members_chart=members_chart, most_top=max((t["loans"] for t in most), default=1))
