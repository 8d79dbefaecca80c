"""The coordinators' switches for their public catalog: shown or not, partners' tools with it or not."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from sync.server.web.guards import checked_form, signed_in, web_state
from sync.server.web.public import settings as public_settings
from sync.server.web.render import SecureRoute, page
from sync.server.web.sessions import Session
from sync.server.web.state import WebState

router = APIRouter(route_class=SecureRoute)


@router.get("/public-catalog")
def settings_page(request: Request, saved: str = "", session: Session = Depends(signed_in),
                  state: WebState = Depends(web_state)) -> Response:
    library = session.account.library
    return page(request, "public_catalog.html", session=session, saved=saved == "1",
                settings=public_settings.load(state.db, library), partners=[
                    state.library_name(p) for p in state.source.partners(library) if p != library])


@router.post("/public-catalog")
def save_settings(form: FormData = Depends(checked_form), session: Session = Depends(signed_in),
                  state: WebState = Depends(web_state)) -> Response:
    chosen = public_settings.PublicSettings(enabled=form.get("enabled") == "on",
                                            show_partners=form.get("show_partners") == "on")
    public_settings.save(state.db, session.account.library, chosen)
    return RedirectResponse(f"{state.config.prefix}/public-catalog?saved=1", status_code=303)
