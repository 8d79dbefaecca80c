"""The library's kiosks: when each last synced, its software, what waits for it, its clock."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from sync.server.web.guards import signed_in, web_state
from sync.server.web.render import SecureRoute, page
from sync.server.web.sessions import Session
from sync.server.web.state import WebState

router = APIRouter(route_class=SecureRoute)
CLOCK_WARNING_MS = 2 * 60 * 1000   # a kiosk clock further off than this makes due dates wrong near midnight
SILENT_WARNING_MS = 24 * 3600 * 1000


@router.get("/kiosks")
def kiosks_page(request: Request, session: Session = Depends(signed_in),
                state: WebState = Depends(web_state)) -> Response:
    now_ms = int(state.config.now() * 1000)
    kiosks = sorted(state.source.kiosks(session.account.library), key=lambda k: (k.revoked, k.name.lower()))
    return page(request, "kiosks.html", session=session, kiosks=kiosks, now_ms=now_ms,
                clock_warning_ms=CLOCK_WARNING_MS, silent_warning_ms=SILENT_WARNING_MS)
