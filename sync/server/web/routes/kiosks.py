"""The library's kiosks: when each last synced, its software, what waits for it, its clock; and a
code that enrolls one of them again under its own id."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from starlette.datastructures import FormData

from sync.server.errors import NotFound
from sync.server.web.guards import PageError, checked_form, signed_in, web_state
from sync.server.web.render import SecureRoute, page
from sync.server.web.sessions import Session
from sync.server.web.state import WebState

router = APIRouter(route_class=SecureRoute)
CLOCK_WARNING_MS = 2 * 60 * 1000   # a kiosk clock further off than this makes due dates wrong near midnight
SILENT_WARNING_MS = 24 * 3600 * 1000


@router.get("/kiosks")
def kiosks_page(request: Request, session: Session = Depends(signed_in),
                state: WebState = Depends(web_state)) -> Response:
    return _page(request, session, state)


@router.post("/kiosks/{device}/reenroll")
def reenroll(request: Request, device: str, form: FormData = Depends(checked_form),
             session: Session = Depends(signed_in), state: WebState = Depends(web_state)) -> Response:
    """Shown once, on the page itself: the code is never stored in the clear."""
    library = session.account.library
    kiosk = next((k for k in state.source.kiosks(library) if k.device == device), None)
    if kiosk is None:
        raise PageError(404, "There is no such kiosk in your library.", session)
    try:
        code = state.source.reenroll_code(library, kiosk.device)
    except NotFound:
        raise PageError(404, "There is no such kiosk in your library.", session) from None
    return _page(request, session, state, code=code, code_for=kiosk.name)


def _page(request: Request, session: Session, state: WebState, **extra: object) -> Response:
    now_ms = int(state.config.now() * 1000)
    kiosks = sorted(state.source.kiosks(session.account.library), key=lambda k: (k.revoked, k.name.lower()))
    return page(request, "kiosks.html", session=session, kiosks=kiosks, now_ms=now_ms,
                clock_warning_ms=CLOCK_WARNING_MS, silent_warning_ms=SILENT_WARNING_MS, **extra)
