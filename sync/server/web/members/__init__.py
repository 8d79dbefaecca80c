"""The members' own pages under /member: sign-in without passwords, their page, card and sign-up.

Phone first, English and Spanish, no scripts, the same CSP and CSRF as the
coordinators' pages. What a member does becomes events the server writes for
their library, which kiosks receive at their next sync.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse


def mount_members(app: FastAPI) -> None:
    from sync.server.web.members import routes_account, routes_signin, routes_signup
    from sync.server.web.members.common import BASE, MemberError, SignInRequired, current_member, language, render

    for module in (routes_signin, routes_account, routes_signup):
        app.include_router(module.router)

    async def to_signin(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        return RedirectResponse(f"{BASE}/signin?{urlencode({'next': exc.next_path})}", status_code=303)

    async def error_page(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, MemberError)
        session = current_member(request)
        return render(request, "member/error.html", lang=language(request), session=session,
                      secret=session.csrf_secret if session else None, status_code=exc.status,
                      message=exc.message, values=exc.values)

    app.add_exception_handler(SignInRequired, to_signin)
    app.add_exception_handler(MemberError, error_page)
