"""Logging in and out.

Before login the visitor holds a short-lived signed cookie with a random
secret, which the login form's CSRF token is made from. A successful login
starts a new session (never reusing a token from before it) and is throttled
after repeated failures.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer

from sync.server.web import accounts
from sync.server.web.guards import cookie_name, signed_in, verified_form, web_state
from sync.server.web.render import SecureRoute, page
from sync.server.web.sessions import Session
from sync.server.web.state import WebState

router = APIRouter(route_class=SecureRoute)
PRE_COOKIE = "toolkiosk_login"
PRE_MAX_AGE = 3600


def _pre_signer(state: WebState) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(state.config.secret_key, salt="toolkiosk-web-login")


def _pre_secret(request: Request, state: WebState) -> str | None:
    try:
        return _pre_signer(state).loads(request.cookies.get(PRE_COOKIE, ""), max_age=PRE_MAX_AGE)
    except BadSignature:
        return None


def _safe_next(state: WebState, target: str | None) -> str:
    """Only a path of these pages: never another site (an open redirect)."""
    prefix = state.config.prefix
    if target and target.startswith(prefix + "/") and not any(bad in target for bad in ("//", "\\", "..")):
        return target
    return f"{prefix}/overdue"


def _login_page(request: Request, state: WebState, *, error: str = "", status_code: int = 200,
                email: str = "", next_path: str = "") -> Response:
    secret = _pre_secret(request, state) or secrets.token_urlsafe(32)
    response = page(request, "login.html", session=None, csrf_secret=secret, error=error, email=email,
                    next_path=next_path, status_code=status_code)
    response.set_cookie(PRE_COOKIE, _pre_signer(state).dumps(secret), max_age=PRE_MAX_AGE, httponly=True,
                        secure=state.config.cookie_secure, samesite="strict", path=state.config.prefix)
    return response


@router.get("/login")
def login_form(request: Request, next: str = "", state: WebState = Depends(web_state)) -> Response:
    if state.sessions.load(request.cookies.get(cookie_name(state))):
        return RedirectResponse(_safe_next(state, next), status_code=303)
    return _login_page(request, state, next_path=next)


@router.post("/login")
async def login(request: Request, state: WebState = Depends(web_state)) -> Response:
    form = await verified_form(request, _pre_secret(request, state))
    email, password = str(form.get("email") or "").strip(), str(form.get("password") or "")
    next_path = str(form.get("next") or "")
    client = request.client.host if request.client else "unknown"
    wait = state.throttle.retry_after(email, client)
    if wait:
        response = _login_page(request, state, status_code=429, email=email, next_path=next_path,
                               error=f"Too many failed logins. Try again in {(wait + 59) // 60} minutes.")
        response.headers["Retry-After"] = str(wait)
        return response
    if not email or not password or len(password) > 1024 or len(email) > 320:
        return _login_page(request, state, status_code=400, email=email, next_path=next_path,
                           error="Enter your email address and your password.")
    account = accounts.authenticate(state.db, email, password)
    if account is None:
        state.throttle.failed(email, client)
        return _login_page(request, state, status_code=401, email=email, next_path=next_path,
                           error="That email address and password do not match an account.")
    state.throttle.succeeded(email, client)
    state.sessions.purge_expired()  # a login is a good moment to sweep sessions nobody will use again
    cookie, _ = state.sessions.start(account)
    response = RedirectResponse(_safe_next(state, next_path), status_code=303)
    response.set_cookie(cookie_name(state), cookie, max_age=state.config.session_max_age, httponly=True,
                        secure=state.config.cookie_secure, samesite="strict", path="/")
    response.delete_cookie(PRE_COOKIE, path=state.config.prefix)
    return response


@router.post("/logout")
async def logout(request: Request, session: Session = Depends(signed_in),
                 state: WebState = Depends(web_state)) -> Response:
    await verified_form(request, session.csrf_secret, session)
    state.sessions.end(session.token_hash)
    response = RedirectResponse(f"{state.config.prefix}/login", status_code=303)
    response.delete_cookie(cookie_name(state), path="/", secure=state.config.cookie_secure, httponly=True,
                           samesite="strict")
    return response


@router.get("/")
def home(state: WebState = Depends(web_state)) -> Response:
    return RedirectResponse(f"{state.config.prefix}/overdue", status_code=303)
