"""Rendering pages: the Jinja2 environment, what every page gets, and the security headers.

Autoescaping is on for every template. Pages carry a strict Content-Security-Policy:
no scripts at all, styles and images from this server only.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Coroutine
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from sync.server.drift import describe_ms
from sync.server.web import csrf
from sync.server.web.sessions import Session

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters["q"] = lambda value: quote(str(value), safe="")

SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                                "frame-ancestors 'none'; base-uri 'none'"),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # personal data: never kept by a shared computer's browser cache
}

NAV = [("overdue", "Overdue"), ("loans", "Loans"), ("holds", "Holds"), ("conflicts", "Conflicts"), ("tools", "Tools"),
       ("repairs", "Repairs"), ("members", "Members"), ("partners", "Partners"), ("kiosks", "Kiosks"), ("stats", "Statistics"),
       ("reminders", "Reminders"), ("public-catalog", "Public catalog")]


class SecureRoute(APIRoute):
    """A route whose every response carries the security headers."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def with_headers(request: Request) -> Response:
            response = await handler(request)
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
            return response

        return with_headers


def app_path(request: Request) -> str:
    """The request's path as the application routes it (without a proxy's root path)."""
    path, root = request.scope["path"], request.scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path


def page(request: Request, template: str, *, session: Session | None, status_code: int = 200,
         csrf_secret: str | None = None, **context: Any) -> Response:
    state = request.app.state.toolkiosk_web
    secret = csrf_secret or (session.csrf_secret if session else None)
    prefix = state.config.prefix

    def csrf_field(form_path: str) -> Markup:
        token = csrf.token(secret or "", form_path)
        return Markup('<input type="hidden" name="csrf_token" value="{}">').format(token)

    library = session.account.library if session else None
    return templates.TemplateResponse(request, template, {
        "session": session, "account": session.account if session else None,
        "library": library, "library_name": state.library_name(library) if library else "",
        "prefix": prefix, "nav": NAV, "csrf_field": csrf_field, "today": state.config.today(),
        **context,
    }, status_code=status_code)


def when(ms: int | None) -> str:
    """A server timestamp in milliseconds as UTC date and time, for tables."""
    if ms is None:
        return "never"
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


templates.env.filters["when"] = when
templates.env.filters["duration"] = describe_ms
