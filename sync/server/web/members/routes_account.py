"""The member's own page: loans and Renew, holds and Cancel, the waiting list, history and forgetting it,
preferences, the membership and its online renewal, and the card.

Every change is an event the server writes for the member's library, checked
by the same rules the kiosks use; kiosks receive it at their next sync.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from kiosk.labels import LabelText, draw_label
from kiosk.ledger import hold_rules, rules
from kiosk.ledger.events import MEMBER_LANGUAGES
from sync.server.web import hold_queries, queries
from sync.server.web.holds import HoldRefused, cancel, place
from sync.server.web.members import reads, words
from sync.server.web.members.common import (
    BASE, MemberError, SignInRequired, checked_form, current_member, language, render, signed_member, state_of, text,
)
from sync.server.web.members.msessions import MemberSession
from sync.server.web.render import SecureRoute, app_path
from sync.server.web.state import WebState

router = APIRouter(route_class=SecureRoute)
DONE = {"renewed": "Renewed: now due {date}.", "cancelled": "Hold cancelled.", "held": "You are on the waiting list.",
        "forgotten": "Your history is forgotten.", "saved": "Preferences saved.",
        "membership": "Membership renewed until {date}."}
CARD_SIZE = (1200, 420)    # pixels of the card's barcode image: wide modules a phone screen shows sharply


async def member_form(request: Request, session: MemberSession = Depends(signed_member)) -> FormData:
    return await checked_form(request, session.csrf_secret)


def _member(state: WebState, session: MemberSession) -> dict:
    found = reads.member(state.views.get(session.library), session.member_code)
    if found is None:
        raise MemberError(404, "There is no such loan or hold on your record.")
    return found


@router.get(BASE, include_in_schema=False)
def bare() -> Response:
    return RedirectResponse(f"{BASE}/", status_code=308)


@router.get(f"{BASE}/")
def home(request: Request, done: str = "", on: str = "", session: MemberSession = Depends(signed_member)) -> Response:
    state = state_of(request)
    view, today = state.views.get(session.library), state.config.today()
    member = _member(state, session)
    lang = language(request, member.get("language"))
    settings = view.settings()
    renewal, why_not = rules.membership_renewal(member, settings, today)
    window = int(settings["renew_online_days"])
    renew_from = None
    if why_not == "too_early" and member.get("expires"):
        renew_from = date.fromisoformat(member["expires"]) - timedelta(days=window)
    return render(request, "member/home.html", lang=lang, secret=session.csrf_secret, session=session,
                  member=member, loans=reads.loans(view, session.member_code, today),
                  holds=reads.holds(view, session.member_code, today),
                  history=reads.history(view, session.member_code, today), retention=settings["retention_days"],
                  done=DONE.get(done, ""), done_date=on[:10], renew_membership=renewal is not None,
                  renew_online=window > 0, renew_from=renew_from, languages=MEMBER_LANGUAGES,
                  refusals=words.RENEWAL_REFUSALS)


@router.get(f"{BASE}/card")
def card(request: Request, session: MemberSession = Depends(signed_member)) -> Response:
    state = state_of(request)
    member = _member(state, session)
    return render(request, "member/card.html", lang=language(request, member.get("language")),
                  secret=session.csrf_secret, session=session, member=member)


@router.get(f"{BASE}/card.png")
def card_image(request: Request, session: MemberSession = Depends(signed_member)) -> Response:
    """The member's card code as the kiosks' labels draw it (Code128), large, for showing from a phone."""
    image = draw_label(LabelText(session.member_code), CARD_SIZE, 300)
    out = io.BytesIO()
    image.save(out, "PNG")
    return Response(out.getvalue(), media_type="image/png")


@router.post(f"{BASE}/loans/{{loan_id}}/renew")
def renew(loan_id: str, request: Request, form: FormData = Depends(member_form),
          session: MemberSession = Depends(signed_member)) -> Response:
    state = state_of(request)
    view, today = state.views.get(session.library), state.config.today()
    loan = reads.loan(view, session.member_code, loan_id[:64])
    if loan is None:
        raise MemberError(404, "There is no such loan or hold on your record.")
    refusal = rules.renewal_refusal(loan, view.settings(), today, reads.waiting_for(view, loan["tool_code"]))
    if refusal:
        raise MemberError(409, "This loan cannot be renewed: {reason}", reason=refusal.message)
    tool = queries.tool(view, loan["tool_code"]) or {}
    due = rules.renewed_due(loan, tool, view.settings(), today)
    state.source.append_event(session.library, "loan.renewed", f"loan:{loan['id']}",
                              {"loan_id": loan["id"], "due": due.isoformat()})
    return _back(state, session, "renewed", due.isoformat())


@router.get(f"{BASE}/holds/new")
def hold_form(request: Request, tool: str = "", library: str = "") -> Response:
    """"Put me on the waiting list" from a public tool page: who is not signed in signs in first and
    comes back here; the page itself keeps no member data, so the catalog stays cacheable."""
    code = tool[:hold_rules.CODE_MAX]
    session = current_member(request)
    if session is None:
        raise SignInRequired(f"{app_path(request)}?{urlencode({'tool': code})}", library=library[:64])
    state = state_of(request)
    member = _member(state, session)
    found = queries.tool(state.views.get(session.library), code)
    if found is None:
        raise MemberError(404, "This tool is not in your library's catalog.")
    return render(request, "member/hold_new.html", lang=language(request, member.get("language")),
                  secret=session.csrf_secret, session=session, tool=found)


@router.post(f"{BASE}/holds")
def hold(request: Request, form: FormData = Depends(member_form),
         session: MemberSession = Depends(signed_member)) -> Response:
    """Put me on the waiting list: ``tool`` (the tool's code), ``any_copy`` ("on" for any copy of it)."""
    state = state_of(request)
    tool = text(form, "tool", hold_rules.CODE_MAX)
    if not tool or len(tool) > hold_rules.CODE_MAX:
        raise MemberError(400, "Give the tool's code.")
    try:
        place(state.views.get(session.library), state.source, session.member_code, tool, form.get("any_copy") == "on",
              state.config.today())
    except HoldRefused as refused:
        raise MemberError(409, "No hold was placed: {reasons}",
                          reasons=" ".join(r.message for r in refused.refusals)) from None
    return _back(state, session, "held")


@router.post(f"{BASE}/holds/{{hold_id}}/cancel")
def cancel_hold(hold_id: str, request: Request, form: FormData = Depends(member_form),
                session: MemberSession = Depends(signed_member)) -> Response:
    state = state_of(request)
    view, today = state.views.get(session.library), state.config.today()
    found = hold_queries.hold(view, hold_id[:64], today)
    if found is None or found["member_code"] != session.member_code:
        raise MemberError(404, "There is no such loan or hold on your record.")
    cancel(view, state.source, found, "cancelled by the member online", today)
    return _back(state, session, "cancelled")


@router.post(f"{BASE}/history/forget")
def forget(request: Request, form: FormData = Depends(member_form),
           session: MemberSession = Depends(signed_member)) -> Response:
    state = state_of(request)
    state.source.append_event(session.library, "member.history_forgotten", f"member:{session.member_code}",
                              {"code": session.member_code, "at": state.config.today().isoformat()})
    return _back(state, session, "forgotten")


@router.post(f"{BASE}/preferences")
def preferences(request: Request, form: FormData = Depends(member_form),
                session: MemberSession = Depends(signed_member)) -> Response:
    state = state_of(request)
    lang = text(form, "language", 5)
    if lang not in MEMBER_LANGUAGES:
        raise MemberError(400, "Please choose English or Spanish.")
    fields = {"language": lang, "reminders_email": int(form.get("reminders_email") == "on"),
              "reminders_sms": int(form.get("reminders_sms") == "on")}
    state.source.append_event(session.library, "member.edited", f"member:{session.member_code}",
                              {"code": session.member_code, "fields": fields})
    response = _back(state, session, "saved")
    response.set_cookie("toolkiosk_lang", lang, max_age=365 * 86400, secure=state.config.cookie_secure,
                        samesite="lax", path="/")
    return response


@router.post(f"{BASE}/membership/renew")
def renew_membership(request: Request, form: FormData = Depends(member_form),
                     session: MemberSession = Depends(signed_member)) -> Response:
    state = state_of(request)
    view, today = state.views.get(session.library), state.config.today()
    member = _member(state, session)
    expires, _why = rules.membership_renewal(member, view.settings(), today)
    if expires is None:
        raise MemberError(409, "This membership cannot be renewed online. Please ask at the counter.")
    state.source.append_event(session.library, "member.edited", f"member:{session.member_code}",
                              {"code": session.member_code, "fields": {"expires": expires.isoformat()}})
    return _back(state, session, "membership", expires.isoformat())


def _back(state: WebState, session: MemberSession, done: str, day: str = "") -> Response:
    state.views.get(session.library)  # the view catches up with the event just written
    query = f"?done={done}" + (f"&on={day}" if day else "")
    return RedirectResponse(f"{BASE}/{query}", status_code=303)
