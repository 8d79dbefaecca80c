"""Signing in without a password: a single-use link and code sent to the address on the member's record.

The answer to a request is the same whether or not the address is known, and
the message is sent after the answer has gone, so neither the words nor the
time taken tell a stranger who is a member. A link opened from a message
shows a button first: mail scanners that fetch links spend nothing.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.background import BackgroundTask
from starlette.datastructures import FormData

from sync.server.web.members import store, tokens
from sync.server.web.members.common import (
    BASE, MemberError, checked_form, client_of, current_member, language, render, session_cookie, state_of, text,
    visitor_secret,
)
from sync.server.web.members.directory import find_by_address, pick_library, sms_ready
from sync.server.web.members.messages import send_sign_in
from sync.server.web.render import SecureRoute
from sync.server.web.state import WebState

router = APIRouter(route_class=SecureRoute)
log = logging.getLogger(__name__)
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


@router.get(f"{BASE}/signin")
def signin_form(request: Request, library: str = "", next: str = "") -> Response:
    """``next``: a page of this site to come back to once signed in (a tool page, say)."""
    state = state_of(request)
    if current_member(request):
        return RedirectResponse(safe_next(next), status_code=303)
    return _form(request, state, pick_library(state, library), next_path=safe_next(next))


def safe_next(target: str | None) -> str:
    """A path of this site only, never another site (an open redirect); the member page otherwise."""
    if target and len(target) <= 300 and target.startswith("/") and not any(
            bad in target for bad in ("//", "\\", "..", "\r", "\n")):
        return target
    return f"{BASE}/"


def _form(request: Request, state: WebState, library: str | None, *, error: str = "", address: str = "",
          status_code: int = 200, next_path: str = "", **values) -> Response:
    return render(request, "member/signin.html", lang=language(request), secret=None, library=library,
                  libraries=state.source.libraries(), names=state.library_name, error=error, error_values=values,
                  address=address, sms=sms_ready(state), next_path=next_path or f"{BASE}/", status_code=status_code)


def _library_and_address(state: WebState, form: FormData) -> tuple[str, str, tokens.Address | None]:
    """The library a sign-in form names (404 when there is none) and the address typed, as typed and parsed."""
    library = pick_library(state, text(form, "library", 64))
    if library is None:
        raise MemberError(404, "There is no such library here.")
    raw = text(form, "address", tokens.ADDRESS_MAX)
    return library, raw, tokens.parse_address(raw)


@router.post(f"{BASE}/signin")
async def signin(request: Request) -> Response:
    state, limits = state_of(request), state_of(request).member_limits
    form = await checked_form(request, visitor_secret(request))
    library, raw, address = _library_and_address(state, form)
    next_path = safe_next(text(form, "next", 300))
    if address is None or (address.kind == "phone" and not sms_ready(state)):
        return _form(request, state, library, status_code=400, address=raw[:tokens.ADDRESS_MAX], next_path=next_path,
                     error="Enter an e-mail address or a mobile number." if sms_ready(state)
                     else "Please give an e-mail address like name@example.org.")
    now, client = state.config.now(), client_of(request)
    since = now - limits.window
    if store.count(state.db, f"client:{client}", since) >= limits.per_client:
        return _too_many(request, state, library, limits.window)
    store.note(state.db, f"client:{client}", now, limits.window)
    task = None
    address_key = f"address:{library}:{address.value}"
    if store.count(state.db, address_key, since) < limits.messages_per_address:
        store.note(state.db, address_key, now, limits.window)
        members = find_by_address(state, library, address)
        base = _public_base(request, state)
        if members and base is None:
            log.warning("no sign-in message sent: set TOOLKIOSK_PUBLIC_URL so links point at this server")
        elif members:
            links = [(recipient, *tokens.issue(state.db, state.config.secret_key, library, code, address.value, now))
                     for code, recipient in members]
            task = BackgroundTask(send_sign_in, state, library, address, links, base,
                                  language(request), next_path)
    response = render(request, "member/sent.html", lang=language(request), secret=None, library=library,
                      address=raw, address_key=address.value, next_path=next_path)
    response.background = task
    return response


@router.post(f"{BASE}/signin/code")
async def signin_code(request: Request) -> Response:
    state, limits = state_of(request), state_of(request).member_limits
    form = await checked_form(request, visitor_secret(request))
    library, raw, address = _library_and_address(state, form)
    now, client = state.config.now(), client_of(request)
    key = f"code:{client}"
    if store.count(state.db, key, now - limits.window) >= limits.codes_per_client:
        return _too_many(request, state, library, limits.window)
    store.note(state.db, key, now, limits.window)
    found = address and tokens.redeem_code(state.db, state.config.secret_key, library, address.value,
                                           text(form, "code", 20), now)
    next_path = safe_next(text(form, "next", 300))
    if not found:
        return render(request, "member/sent.html", lang=language(request), secret=None, library=library,
                      address=raw, status_code=401, next_path=next_path,
                      error="That code is wrong, used or expired. Check it, or ask for a new one.")
    return _signed_in(state, *found, next_path)


@router.get(f"{BASE}/signin/link")
def link_page(request: Request, t: str = "", next: str = "") -> Response:
    """The link from the message: a button to press, so a mail scanner fetching it spends nothing."""
    return render(request, "member/link.html", lang=language(request), secret=None, token=t[:100],
                  next_path=safe_next(next))


@router.post(f"{BASE}/signin/link")
async def use_link(request: Request) -> Response:
    state = state_of(request)
    form = await checked_form(request, visitor_secret(request))
    found = tokens.redeem_link(state.db, text(form, "t", 100), state.config.now())
    if found is None:
        return render(request, "member/error.html", lang=language(request), secret=None, status_code=400,
                      message="This sign-in link has been used or has expired. Ask for a new one.", values={})
    return _signed_in(state, *found, safe_next(text(form, "next", 300)))


@router.post(f"{BASE}/signout")
async def signout(request: Request) -> Response:
    state = state_of(request)
    session = current_member(request)
    if session is None:
        return RedirectResponse(f"{BASE}/signin", status_code=303)
    await checked_form(request, session.csrf_secret)
    state.member_sessions.end(session.token_hash)
    response = RedirectResponse(f"{BASE}/signin?library={session.library}", status_code=303)
    response.delete_cookie(session_cookie(state), path="/", secure=state.config.cookie_secure, httponly=True,
                           samesite="lax")
    return response


def _signed_in(state: WebState, library: str, member_code: str, next_path: str) -> Response:
    cookie = state.member_sessions.start(library, member_code)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(session_cookie(state), cookie, httponly=True, secure=state.config.cookie_secure,
                        samesite="lax", path="/")
    return response


def _too_many(request: Request, state: WebState, library: str, wait: int) -> Response:
    response = _form(request, state, library, status_code=429,
                     error="Too many requests from here. Try again in {minutes} minutes.", minutes=(wait + 59) // 60)
    response.headers["Retry-After"] = str(wait)
    return response


def _public_base(request: Request, state: WebState) -> str | None:
    """Where links in messages point: the configured address, never one a request's Host header chose
    (a stranger could make the member's link point at their own site); on loopback, the request's own."""
    if state.config.public_url:
        return state.config.public_url.rstrip("/")
    if request.url.hostname in LOOPBACK:
        return str(request.base_url).rstrip("/")
    return None
