"""Conflicts with both sides shown, and settling one.

Settling writes a ``conflict.resolved`` event through the sync storage, as
the library's server device; every kiosk receives it at its next sync and
marks the conflict resolved in its own tables.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from sync.server.web import queries
from sync.server.web.guards import PageError, checked_form, signed_in, web_state
from sync.server.web.render import SecureRoute, page
from sync.server.web.sessions import Session
from sync.server.web.state import WebState

router = APIRouter(route_class=SecureRoute)
MAX_NOTE = 500

RESOLUTIONS = {
    "double_checkout": ["First loan stands", "Second loan stands", "Both loans stand (two items)",
                        "Tool was returned", "Other (see note)"],
    "return_without_loan": ["Loan found and closed", "Return scanned by mistake", "Other (see note)"],
    "double_set_aside": ["First hold keeps the tool", "Second hold keeps the tool", "Other (see note)"],
    "set_aside_lent": ["The loan stands; the hold waits for the return", "The tool came back to the hold shelf",
                       "Other (see note)"],
}


@router.get("/conflicts")
def conflicts_page(request: Request, show: str = Query("open", pattern="^(open|all)$"), resolved: str = "",
                   session: Session = Depends(signed_in), state: WebState = Depends(web_state)) -> Response:
    view = state.views.get(session.account.library)
    conflicts = queries.conflicts(view, include_resolved=show == "all")
    kiosks = {k.device: k.name for k in state.source.kiosks(session.account.library)}
    return page(request, "conflicts.html", session=session, conflicts=conflicts, show=show, kiosks=kiosks,
                resolutions=RESOLUTIONS, resolved=resolved)


@router.post("/conflicts/{conflict_id}/resolve")
def resolve(request: Request, conflict_id: str, form: FormData = Depends(checked_form),
            session: Session = Depends(signed_in), state: WebState = Depends(web_state)) -> Response:
    library = session.account.library
    view = state.views.get(library)
    conflict = queries.conflict(view, conflict_id)
    if conflict is None:
        raise PageError(404, "There is no such conflict in your library.", session)
    if conflict["status"] != "open":
        raise PageError(409, "This conflict has already been settled.", session)
    resolution = str(form.get("resolution") or "")
    note = str(form.get("note") or "").strip()
    if resolution not in RESOLUTIONS.get(conflict["kind"], []):
        raise PageError(400, "Choose how the conflict was settled.", session)
    if len(note) > MAX_NOTE:
        raise PageError(400, f"The note is too long; keep it under {MAX_NOTE} characters.", session)
    if resolution.startswith("Other") and not note:
        raise PageError(400, "Say in the note how the conflict was settled.", session)
    state.source.append_event(library, "conflict.resolved", f"conflict:{conflict_id}",
                              {"conflict_id": conflict_id, "resolution": resolution, "note": note or None})
    state.views.get(library)  # shows the settled conflict at once
    return RedirectResponse(f"{state.config.prefix}/conflicts?resolved=1", status_code=303)
