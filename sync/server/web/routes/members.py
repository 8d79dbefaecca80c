"""Members of the library, with their loans and their consent to reminders."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from sync.server.web import queries
from sync.server.web.guards import PageError, checked_form, signed_in, web_state
from sync.server.web.reminders import optins
from sync.server.web.reminders.optins import OptIn
from sync.server.web.render import SecureRoute, page
from sync.server.web.sessions import Session
from sync.server.web.state import WebState

router = APIRouter(route_class=SecureRoute)


@router.get("/members")
def members_page(request: Request, q: str = Query("", max_length=100), saved: str = "",
                 session: Session = Depends(signed_in), state: WebState = Depends(web_state)) -> Response:
    library = session.account.library
    view = state.views.get(library)
    return page(request, "members.html", session=session, members=queries.members(view, state.config.today(), q=q),
                optins=optins.for_library(state, library), q=q, saved=saved)


@router.post("/members/{code}/reminders")
def set_reminders(code: str, form: FormData = Depends(checked_form), session: Session = Depends(signed_in),
                  state: WebState = Depends(web_state)) -> Response:
    library = session.account.library
    if queries.member(state.views.get(library), code) is None:
        raise PageError(404, "There is no such member in your library.", session)
    choice = OptIn(email=form.get("email") == "on", sms=form.get("sms") == "on")
    optins.set_optin(state, library, code, choice)
    back = urlencode({"q": str(form.get("q") or "")[:100], "saved": code})
    return RedirectResponse(f"{state.config.prefix}/members?{back}#member-{quote(code, safe='')}", status_code=303)
