"""What every member page shares: its language, its CSRF secret, the signed-in member, rendering, errors.

Before signing in, a visitor's forms are protected by a random secret in a
short-lived signed cookie (as on the coordinators' login page); after, by the
member session's own secret.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import FormData

from sync.server.web import csrf
from sync.server.web.guards import MAX_FORM_FIELDS, same_origin
from sync.server.web.members import words
from sync.server.web.members.msessions import MemberSession
from sync.server.web.render import SECURITY_HEADERS, app_path, templates
from sync.server.web.state import WebState
from markupsafe import Markup

BASE = "/member"
SESSION_COOKIE = "toolkiosk_member"
VISITOR_COOKIE = "toolkiosk_visitor"
VISITOR_MAX_AGE = 3600


class MemberError(Exception):
    """A page with a status and a sentence (in English; shown in the visitor's language)."""

    def __init__(self, status: int, message: str, **values: Any):
        self.status, self.message, self.values = status, message, values


class SignInRequired(Exception):
    def __init__(self, next_path: str, library: str = ""):
        self.next_path, self.library = next_path, library


def state_of(request: Request) -> WebState:
    return request.app.state.toolkiosk_web


def session_cookie(state: WebState) -> str:
    return f"__Host-{SESSION_COOKIE}" if state.config.cookie_secure else SESSION_COOKIE


def current_member(request: Request) -> MemberSession | None:
    state = state_of(request)
    return state.member_sessions.load(request.cookies.get(session_cookie(state)))


def signed_member(request: Request) -> MemberSession:
    session = current_member(request)
    if session is None:
        raise SignInRequired(app_path(request))
    return session


def language(request: Request, preferred: str | None = None) -> str:
    """The switch (?lang=), else the cookie it left, else the member's own, else the browser's."""
    for choice in (request.query_params.get("lang"), request.cookies.get(words.COOKIE), preferred):
        if choice in words.LANGUAGES:
            return choice
    return words.from_accept_language(request.headers.get("accept-language"))


def _visitor_signer(state: WebState) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(state.config.secret_key, salt="toolkiosk-member-visitor")


def visitor_secret(request: Request) -> str | None:
    try:
        return _visitor_signer(state_of(request)).loads(request.cookies.get(VISITOR_COOKIE, ""),
                                                       max_age=VISITOR_MAX_AGE)
    except BadSignature:
        return None


def render(request: Request, template: str, *, lang: str, secret: str | None, session: MemberSession | None = None,
           status_code: int = 200, **context: Any) -> Response:
    state = state_of(request)
    visitor = None
    if secret is None:  # a visitor's form: keep (or start) their secret
        secret = visitor = visitor_secret(request) or secrets.token_urlsafe(32)

    def csrf_field(form_path: str) -> Markup:
        return Markup('<input type="hidden" name="csrf_token" value="{}">').format(csrf.token(secret, form_path))

    here = app_path(request)
    query = {k: v for k, v in request.query_params.items() if k not in ("lang", "t")}
    switch = {code: f"{here}?{urlencode({**query, 'lang': code})}" for code in words.LANGUAGES}
    library = context.pop("library", None) or (session.library if session else None)
    response = templates.TemplateResponse(request, template, {
        "t": words.translator(lang), "lang": lang, "long_date": lambda d: words.long_date(d, lang),
        "csrf_field": csrf_field, "switch": switch, "base": BASE, "prefix": state.config.prefix,
        "session": session, "library": library,
        "library_name": state.library_name(library) if library else "", **context,
    }, status_code=status_code)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if visitor:
        response.set_cookie(VISITOR_COOKIE, _visitor_signer(state).dumps(visitor), max_age=VISITOR_MAX_AGE,
                            httponly=True, secure=state.config.cookie_secure, samesite="lax", path=BASE)
    if request.query_params.get("lang") in words.LANGUAGES:
        response.set_cookie(words.COOKIE, lang, max_age=365 * 86400, secure=state.config.cookie_secure,
                            samesite="lax", path="/")
    return response


async def checked_form(request: Request, secret: str | None) -> FormData:
    """The posted form, refused unless it came from this site with this form's token."""
    if not same_origin(request):
        raise MemberError(403, "This form has expired or did not come from this site. Go back, reload the page "
                               "and try again.")
    form = await request.form(max_fields=MAX_FORM_FIELDS, max_files=0)
    token = form.get("csrf_token")
    if not csrf.valid(secret, app_path(request), token if isinstance(token, str) else None):
        raise MemberError(403, "This form has expired or did not come from this site. Go back, reload the page "
                               "and try again.")
    return form


def text(form: FormData, name: str, most: int = 200) -> str:
    value = form.get(name)
    return value.strip()[:most + 1] if isinstance(value, str) else ""


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def waiting_list_form(request: Request) -> dict[str, str] | None:
    """For a tool page elsewhere on this site: the action and CSRF token of "Put me on the waiting list"
    for the signed-in member (post ``tool`` and, for any copy, ``any_copy=on`` with them); None when
    no member is signed in (link to ``/member/signin?library=<slug>&next=<this page's path>`` instead)."""
    session = current_member(request)
    if session is None:
        return None
    return {"action": f"{BASE}/holds", "csrf_token": csrf.token(session.csrf_secret, f"{BASE}/holds"),
            "library": session.library}
