"""Online sign-up: the form, its checks, and the member.signed_up event the server writes for the library.

The library's ``signup`` setting says whether the new member is pending until
a volunteer sees them at their first visit (the kiosk's volunteer screen lists
them) or active at once; ``off`` turns the form away.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from sync.server.web.members import signup, store
from sync.server.web.members.common import (
    BASE, MemberError, checked_form, client_of, language, render, state_of, text, visitor_secret,
)
from sync.server.web.members.directory import pick_library
from sync.server.web.render import SecureRoute
from sync.server.web.state import WebState

router = APIRouter(route_class=SecureRoute)


def _library(state: WebState, slug: str) -> str:
    library = pick_library(state, slug)
    if library is None:
        raise MemberError(404, "There is no such library here.")
    if state.views.get(library).settings()["signup"] == "off":
        raise MemberError(403, "This library does not take sign-ups online. Please come to the counter.")
    return library


def _form(request: Request, state: WebState, library: str, lang: str, *, values: dict | None = None,
          checked: signup.Checked | None = None, status_code: int = 200) -> Response:
    waiver, _ = signup.waiver_for(state.views.get(library).settings(), lang)
    return render(request, "member/signup.html", lang=lang, secret=None, library=library, values=values or {},
                  errors=checked.errors if checked else {}, form_error=checked.form_error if checked else "",
                  waiver=waiver, started=signup.started_token(state.config.secret_key, state.config.now()),
                  honeypot=signup.HONEYPOT, name_max=signup.NAME_MAX, status_code=status_code)


@router.get(f"{BASE}/signup")
def signup_form(request: Request, library: str = "") -> Response:
    state = state_of(request)
    lib = pick_library(state, library)
    if lib is None:
        return render(request, "member/choose.html", lang=language(request), secret=None,
                      libraries=state.source.libraries(), names=state.library_name, action=f"{BASE}/signup")
    return _form(request, state, _library(state, lib), language(request))


@router.post(f"{BASE}/signup")
async def signup_post(request: Request) -> Response:
    state, limits = state_of(request), state_of(request).member_limits
    form = await checked_form(request, visitor_secret(request))
    library = _library(state, text(form, "library", 64))
    fields = {k: text(form, k, 300) for k in ("name", "email", "phone", "language", "waiver", "waiver_shown",
                                              "started", signup.HONEYPOT)}
    lang = fields["language"] if fields["language"] in ("en", "es") else language(request)
    now, client = state.config.now(), client_of(request)
    checked = signup.check(fields, state.config.secret_key, now, limits.signup_min_seconds, limits.signup_max_seconds)
    if checked.form_error or checked.errors:
        if not checked.form_error:
            checked.form_error = "Please correct the fields marked below."
        return _form(request, state, library, lang, values=checked.values, checked=checked, status_code=400)
    key = f"signup:{client}"
    if store.count(state.db, key, now - limits.window) >= limits.signups_per_client:
        checked.form_error = "Too many sign-ups from here. Try again later."
        return _form(request, state, library, lang, values=checked.values, checked=checked, status_code=429)
    store.note(state.db, key, now, limits.window)
    view, today = state.views.get(library), state.config.today()
    settings = view.settings()
    shown = fields["waiver_shown"] if fields["waiver_shown"] in ("en", "es") else lang
    _waiver, waiver_language = signup.waiver_for(settings, shown)  # the language of the text the person read
    code = signup.new_member_code(library)
    member = signup.member_fields(checked, settings, waiver_language, today)
    state.source.append_event(library, "member.signed_up", f"member:{code}", {"code": code, "fields": member})
    state.views.get(library)
    return render(request, "member/welcome.html", lang=lang, secret=None, library=library, code=code,
                  pending=member["status"] == "pending")
