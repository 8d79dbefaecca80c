"""Who may see and do what: signed-in sessions, the coordinator role, CSRF on every form.

LoginRequired and PageError are answered by handlers ``mount_web`` installs:
the first sends the visitor to the login page, the second shows an error page.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Depends, Request
from starlette.datastructures import FormData

from sync.server.web import csrf
from sync.server.web.render import app_path
from sync.server.web.sessions import Session
from sync.server.web.state import WebState

MAX_FORM_FIELDS = 50
MAX_FORM_BYTES = 512 << 10   # every reminder template at its longest, each character escaped, fits


class LoginRequired(Exception):
    def __init__(self, next_path: str):
        self.next_path = next_path


class PageError(Exception):
    """An error page with a status and a sentence for the person reading it."""

    def __init__(self, status: int, message: str, session: Session | None = None):
        self.status = status
        self.message = message
        self.session = session


def web_state(request: Request) -> WebState:
    return request.app.state.toolkiosk_web


def cookie_name(state: WebState) -> str:
    # __Host- cookies must be Secure, for the whole host, with no Domain: the browser enforces it
    return "__Host-toolkiosk_session" if state.config.cookie_secure else "toolkiosk_session"


def signed_in(request: Request, state: WebState = Depends(web_state)) -> Session:
    session = state.sessions.load(request.cookies.get(cookie_name(state)))
    if session is None:
        raise LoginRequired(app_path(request))
    return session


def coordinator(session: Session = Depends(signed_in)) -> Session:
    if not session.account.can_edit:
        raise PageError(403, "Volunteer accounts can look but not change anything. Ask a coordinator.", session)
    return session


async def checked_form(request: Request, session: Session = Depends(coordinator)) -> FormData:
    """The posted form of a coordinator, refused unless it carries this form's CSRF token."""
    return await verified_form(request, session.csrf_secret, session)


async def verified_form(request: Request, secret: str | None, session: Session | None = None) -> FormData:
    if not same_origin(request):
        raise PageError(403, "This form was sent from another site, so it was refused.", session)
    await _bounded_body(request, session)
    form = await request.form(max_fields=MAX_FORM_FIELDS, max_files=0)
    token = form.get("csrf_token")
    if not csrf.valid(secret, app_path(request), token if isinstance(token, str) else None):
        raise PageError(403, "This form has expired or did not come from this site. Go back, reload the page "
                             "and try again.", session)
    return form


async def _bounded_body(request: Request, session: Session | None) -> None:
    """Reads the body up to MAX_FORM_BYTES, refusing it as soon as it is longer; the form is parsed from it."""
    too_long = PageError(413, f"This form is longer than {MAX_FORM_BYTES // 1024} KB, so it was refused.", session)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FORM_BYTES:
        raise too_long
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            raise too_long
        chunks.append(chunk)
    request._body = b"".join(chunks)  # Starlette parses the form from the body read here


def same_origin(request: Request) -> bool:
    """False when the browser says the request came from another origin (a second check beside the token)."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host")
