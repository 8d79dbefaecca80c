"""Puts the coordinators' pages into the sync server's FastAPI application."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from sync.server.web.config import WebConfig
from sync.server.web.guards import LoginRequired, PageError
from sync.server.web.public import routes as public_routes
from sync.server.web.members.mount import mount_members
from sync.server.web.reminders.channels import SmsGateway
from sync.server.web.render import HERE, SECURITY_HEADERS, page
from sync.server.web.routes import build_router
from sync.server.web.source import EventSource
from sync.server.web.state import WebState


def mount_web(app: FastAPI, source: EventSource, config: WebConfig, *, sms: SmsGateway | None = None) -> WebState:
    """Serves the pages under ``config.prefix``; the caller closes the returned state when the server stops."""
    state = WebState(source, config, sms=sms)
    app.state.toolkiosk_web = state
    app.include_router(build_router(), prefix=config.prefix)
    app.include_router(public_routes.router)  # the public catalog, at the server's root
    app.mount(f"{config.prefix}/static", StaticFiles(directory=HERE / "static"), name="toolkiosk-web-static")
    app.add_exception_handler(LoginRequired, _to_login)
    app.add_exception_handler(PageError, _error_page)
    mount_members(app)
    return state


async def _to_login(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    prefix = request.app.state.toolkiosk_web.config.prefix
    return RedirectResponse(f"{prefix}/login?{urlencode({'next': exc.next_path})}", status_code=303)


async def _error_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageError)
    response = page(request, "error.html", session=exc.session, status_code=exc.status, message=exc.message,
                    status=exc.status)
    response.headers.update(SECURITY_HEADERS)
    return response
