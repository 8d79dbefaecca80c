"""The frame every public page shares: language, links, cache validators and the security headers.

    return public_page(request, "public/mine.html", state=state, lang=i18n.language(request), library="maple",
                       etag=None, **values_the_template_needs)

Templates extend ``public/base.html`` (its top comment lists what it needs);
``_`` in a template translates into the page's language.
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterable
from urllib.parse import urlencode

from fastapi import Request, Response

from kiosk import __version__
from sync.server.web.public import i18n
from sync.server.web.public.card import card_svg
from sync.server.web.render import app_path, templates
from sync.server.web.state import WebState

MEMBER_SIGN_IN = "/member/signin"
# public data: browsers and proxies may keep it, but must ask again (cheaply, by ETag) before showing it
CACHEABLE = "public, no-cache"
VARY = "Accept-Language, Cookie"


def frame(request: Request, state: WebState, lang: str, library: str | None = None) -> dict[str, Any]:
    """What ``public/base.html`` needs: translation, language switch, the library and the links."""
    here = app_path(request) + (f"?{request.url.query}" if request.url.query else "")
    today = state.config.today()
    return {
        "_": i18n.translator(lang), "lang": lang,
        "languages": [(code, name, f"/language/{code}?{urlencode({'next': here})}")
                      for code, name in i18n.LANGUAGES.items()],
        "library": library, "library_name": state.library_name(library) if library else "",
        "home_url": f"/catalog/{library}" if library else "/",
        "member_url": f"{MEMBER_SIGN_IN}?{urlencode({'library': library})}" if library else MEMBER_SIGN_IN, "coordinators_url": f"{state.config.prefix}/login",
        "static": f"{state.config.prefix}/static",
        "long_date": lambda day: i18n.long_date(day, lang, today),
        "card_svg": card_svg,
    }


def public_page(request: Request, template: str, *, state: WebState, lang: str, library: str | None = None,
                status_code: int = 200, etag: str | None = None, **context: Any) -> Response:
    response = templates.TemplateResponse(request, template, {**frame(request, state, lang, library), **context},
                                          status_code=status_code)
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = VARY
    if etag:
        response.headers["ETag"] = etag
        response.headers["Cache-Control"] = CACHEABLE
    return response


def etag(parts: Iterable[Any]) -> str:
    """A strong validator from everything a page depends on (cursors of the views it read, language, query...)."""
    digest = hashlib.sha256(repr((__version__, *parts)).encode()).hexdigest()[:32]
    return f'"{digest}"'


def not_modified(request: Request, tag: str, lang: str) -> Response | None:
    """A 304 when the browser already holds this version, else None."""
    held = request.headers.get("if-none-match", "")
    if tag not in [t.strip().removeprefix("W/") for t in held.split(",")]:
        return None
    return Response(status_code=304, headers={"ETag": tag, "Cache-Control": CACHEABLE, "Vary": VARY,
                                              "Content-Language": lang})


def error_page(request: Request, state: WebState, lang: str, status: int, message: str,
               library: str | None = None) -> Response:
    return public_page(request, "public/error.html", state=state, lang=lang, library=library, status_code=status,
                       message=message, status=status)
