"""Partner libraries' catalogs and whether each tool is in: never who has it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request, Response

from sync.server.web import queries
from sync.server.web.guards import signed_in, web_state
from sync.server.web.render import SecureRoute, page
from sync.server.web.sessions import Session
from sync.server.web.state import WebState

router = APIRouter(route_class=SecureRoute)


@router.get("/partners")
def partners_page(request: Request, q: str = Query("", max_length=100), available: bool = False,
                  session: Session = Depends(signed_in), state: WebState = Depends(web_state)) -> Response:
    words = q.lower().split()
    libraries = []
    for slug in state.source.partners(session.account.library):
        if slug == session.account.library:
            continue
        tools = [t for t in queries.catalog(state.views.get(slug))
                 if all(w in f"{t['name']} {t['category'] or ''} {t['brand'] or ''}".lower() for w in words)
                 and (not available or t["status"] == "available")]
        libraries.append({"slug": slug, "name": state.library_name(slug), "tools": tools})
    return page(request, "partners.html", session=session, libraries=libraries, q=q, available=available)
