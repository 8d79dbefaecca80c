"""Loans, open and recently returned, and one loan's history."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request, Response

from kiosk.ledger import rules
from sync.server.web import queries
from sync.server.web.guards import PageError, signed_in, web_state
from sync.server.web.render import SecureRoute, page
from sync.server.web.sessions import Session
from sync.server.web.state import WebState

router = APIRouter(route_class=SecureRoute)


@router.get("/loans")
def loans_page(request: Request, state_filter: str = Query("open", alias="state", pattern="^(open|returned|all)$"),
               q: str = Query("", max_length=100), session: Session = Depends(signed_in),
               state: WebState = Depends(web_state)) -> Response:
    view = state.views.get(session.account.library)
    loans = queries.loans(view, state.config.today(), state=state_filter, q=q)
    return page(request, "loans.html", session=session, loans=loans, state_filter=state_filter, q=q,
                retention_days=rules.setting(view.settings(), "retention_days"))


@router.get("/loans/{loan_id}")
def loan_page(request: Request, loan_id: str, session: Session = Depends(signed_in),
              state: WebState = Depends(web_state)) -> Response:
    view = state.views.get(session.account.library)
    loan = queries.loan(view, loan_id)
    if loan is None:
        raise PageError(404, "There is no such loan in your library.", session)
    kiosks = {k.device: k.name for k in state.source.kiosks(session.account.library)}
    return page(request, "loan.html", session=session, loan=loan, history_events=queries.loan_history(view, loan_id),
                member_names=queries.member_names(view),
                kiosks=kiosks, retention_days=rules.setting(view.settings(), "retention_days"),
                days_overdue=0 if loan["closed_by"] else rules.days_overdue(loan["due"], state.config.today()))
