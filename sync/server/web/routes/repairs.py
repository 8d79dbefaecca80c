"""Repairs: the library's repair tickets for coordinators, filtered by status or text, and as CSV."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response

from sync.server.web import csvfile, repair_queries
from sync.server.web.guards import signed_in, web_state
from sync.server.web.render import SecureRoute, page
from sync.server.web.sessions import Session
from sync.server.web.state import WebState

router = APIRouter(route_class=SecureRoute)
Q = Query("", max_length=100)
STATE = Query("current", pattern="^(" + "|".join(repair_queries.STATES) + ")$")
COLUMNS = ["id", "tool_code", "tool_name", "shelf", "problem", "status", "opened", "assignee", "parts", "cost",
           "closed", "notes"]


def _tickets(state: WebState, session: Session, status: str, q: str) -> list[dict[str, Any]]:
    return repair_queries.repairs(state.views.get(session.account.library), state=status, q=q)


@router.get("/repairs")
def repairs_page(request: Request, status: str = STATE, q: str = Q, session: Session = Depends(signed_in),
                 state: WebState = Depends(web_state)) -> Response:
    tickets = _tickets(state, session, status, q)
    return page(request, "repairs.html", session=session, tickets=tickets, status=status, q=q,
                states=repair_queries.STATES, cost=round(sum(t["cost"] or 0 for t in tickets), 2))


@router.get("/repairs.csv")
def repairs_csv(status: str = STATE, q: str = Q, session: Session = Depends(signed_in),
                state: WebState = Depends(web_state)) -> Response:
    tickets = _tickets(state, session, status, q)
    return csvfile.download(
        f"repairs-{session.account.library}-{state.config.today().isoformat()}.csv", COLUMNS,
        [(t["id"], t["tool_code"], t["tool_name"], t["shelf"], t["problem"], t["status"], t["opened_at"],
          t["assignee"], t["parts"], t["cost"], t["closed_at"], "; ".join(f"{n['at']} {n['text']}" for n in t["notes"]))
         for t in tickets])
