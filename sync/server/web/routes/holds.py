"""Holds: the library's waiting lists and hold shelf; a coordinator places a hold for a member who
phoned, cancels one, or moves one in line with a reason (as events the kiosks receive at their next sync)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from kiosk.ledger import hold_rules
from sync.server.web import hold_queries
from sync.server.web.guards import PageError, checked_form, signed_in, web_state
from sync.server.web.holds import HoldRefused, cancel, place, reorder
from sync.server.web.render import SecureRoute, page
from sync.server.web.sessions import Session
from sync.server.web.state import WebState

router = APIRouter(route_class=SecureRoute)
DONE = {"placed": "Hold placed.", "cancelled": "Hold cancelled.", "moved": "Hold moved in line."}


@router.get("/holds")
def holds_page(request: Request, done: str = "", session: Session = Depends(signed_in),
               state: WebState = Depends(web_state)) -> Response:
    view = state.views.get(session.account.library)
    return page(request, "holds.html", session=session, holds=hold_queries.holds(view, state.config.today()),
                done=DONE.get(done, ""), reason_max=hold_rules.REASON_MAX, code_max=hold_rules.CODE_MAX)


@router.post("/holds/place")
def place_hold(form: FormData = Depends(checked_form), session: Session = Depends(signed_in),
               state: WebState = Depends(web_state)) -> Response:
    library = session.account.library
    member, tool = _text(form, "member", session), _text(form, "tool", session)
    try:
        place(state.views.get(library), state.source, member, tool, form.get("any_copy") == "on", state.config.today())
    except HoldRefused as refused:
        raise PageError(400, "No hold was placed: " + " ".join(r.message for r in refused.refusals), session) from None
    return RedirectResponse(f"{state.config.prefix}/holds?done=placed", status_code=303)


@router.post("/holds/{hold_id}/cancel")
def cancel_hold(hold_id: str, form: FormData = Depends(checked_form), session: Session = Depends(signed_in),
                state: WebState = Depends(web_state)) -> Response:
    view, hold = _current(state, session, hold_id)
    reason = _reason(form, session, required=False)
    cancel(view, state.source, hold, reason, state.config.today())
    return RedirectResponse(f"{state.config.prefix}/holds?done=cancelled", status_code=303)


@router.post("/holds/{hold_id}/reorder")
def reorder_hold(hold_id: str, form: FormData = Depends(checked_form), session: Session = Depends(signed_in),
                 state: WebState = Depends(web_state)) -> Response:
    view, hold = _current(state, session, hold_id)
    if hold["status"] != "waiting":
        raise PageError(409, "Only a waiting hold can move in line.", session)
    position = str(form.get("position") or "").strip()
    if not position.isdigit() or not 1 <= int(position) <= 999:
        raise PageError(400, "Give the new place in line as a whole number, 1 or more.", session)
    reason = _reason(form, session, required=True)
    try:
        reorder(view, state.source, hold, int(position), reason, state.config.today())
    except ValueError as exc:
        raise PageError(400, str(exc), session) from None
    return RedirectResponse(f"{state.config.prefix}/holds?done=moved", status_code=303)


def _current(state: WebState, session: Session, hold_id: str):
    view = state.views.get(session.account.library)
    hold = hold_queries.hold(view, hold_id, state.config.today())
    if hold is None:
        raise PageError(404, "There is no such current hold in your library.", session)
    return view, hold


def _text(form: FormData, name: str, session: Session) -> str:
    value = str(form.get(name) or "").strip()
    if not value or len(value) > hold_rules.CODE_MAX:
        raise PageError(400, f"Give the {name}'s code (at most {hold_rules.CODE_MAX} characters).", session)
    return value


def _reason(form: FormData, session: Session, *, required: bool) -> str | None:
    reason = str(form.get("reason") or "").strip()
    if len(reason) > hold_rules.REASON_MAX:
        raise PageError(400, f"The reason is too long; keep it under {hold_rules.REASON_MAX} characters.", session)
    if required and not reason:
        raise PageError(400, "Say why the hold moves in line; the members waiting may ask.", session)
    return reason or None
