"""Puts the members' pages into the application, with their sign-in redirect and error page."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse

from sync.server.web.members import routes_account, routes_signin, routes_signup
from sync.server.web.members.common import BASE, MemberError, SignInRequired, current_member, language, render


def mount_members(app: FastAPI) -> None:
    for module in (routes_signin, routes_account, routes_signup):
        app.include_router(module.router)
    app.add_exception_handler(SignInRequired, _to_signin)
    app.add_exception_handler(MemberError, _error_page)


async def _to_signin(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    back = exc.next_path if request.method == "GET" else f"{BASE}/"  # a form's action is no page to come back to
    query = {"next": back, **({"library": exc.library} if exc.library else {})}
    return RedirectResponse(f"{BASE}/signin?{urlencode(query)}", status_code=303)


async def _error_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, MemberError)
    session = current_member(request)
    return render(request, "member/error.html", lang=language(request), session=session,
                  secret=session.csrf_secret if session else None, status_code=exc.status,
                  message=exc.message, values=exc.values)
