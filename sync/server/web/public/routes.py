"""The public pages: the front address, a library's catalog (search, categories), a tool, its photo,
and the language switch. No login; nothing posts, so no form needs a CSRF token.

    /                                          the catalog of the only library, or the list of libraries
    /catalog/{library}?q=&category=&page=      search and browse
    /catalog/{library}/tools/{code}            one tool
    /catalog/{library}/partners/{partner}/tools/{code}   a partner's tool, "ask at the counter"
    .../photo                                  its photo
    /language/{lang}?next=/path                the switch: a cookie, then back
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse

from sync.server.web.guards import web_state
from sync.server.web.public import catalog, i18n, settings as public_settings
from sync.server.web.public.render import error_page, etag, not_modified, public_page
from sync.server.web.render import SecureRoute
from sync.server.web.routes.tools import IMAGE_TYPES
from sync.server.web.state import WebState
from sync.server.web.views import SLUG

router = APIRouter(route_class=SecureRoute)
MAX_QUERY = 100
MAX_CATEGORY = 200
MAX_NEXT = 1000


def _lang(request: Request) -> str:
    return i18n.language(request)


@router.get("/", include_in_schema=False)
def front(request: Request, state: WebState = Depends(web_state), lang: str = Depends(_lang)) -> Response:
    libraries = state.source.libraries()
    if len(libraries) == 1:
        return catalog_page(request, libraries[0], state=state, lang=lang)
    shown = [(slug, state.library_name(slug)) for slug in libraries
             if public_settings.load(state.db, slug).enabled]
    tag = etag(("front", lang, shown))
    return not_modified(request, tag, lang) or public_page(
        request, "public/libraries.html", state=state, lang=lang, etag=tag,
        libraries=sorted(shown, key=lambda item: item[1].lower()))


@router.get("/catalog/{library}", include_in_schema=False)
def catalog_page(request: Request, library: str, state: WebState = Depends(web_state),
                 lang: str = Depends(_lang)) -> Response:
    _ = i18n.translator(lang)
    refused = _refusal(request, state, lang, library)
    if refused:
        return refused
    q = request.query_params.get("q", "").strip()
    category = request.query_params.get("category", "").strip()
    if len(q) > MAX_QUERY:
        return error_page(request, state, lang, 400, _("Type at most %(n)s characters to search.") % {"n": MAX_QUERY},
                          library)
    if len(category) > MAX_CATEGORY:
        return error_page(request, state, lang, 400, _("There is no such category in this catalog."), library)
    page = _page_number(request.query_params.get("page", "1"))
    if page is None:
        return error_page(request, state, lang, 400, _("That page number is not one of this list's pages."), library)
    view = state.views.get(library)
    partners = _partners(state, library)
    partner_views = [(slug, state.views.get(slug)) for slug in partners]
    tag = etag(("catalog", library, lang, q, category, page, state.config.today(), state.library_name(library),
                view.cursor, [(slug, v.cursor, state.library_name(slug)) for slug, v in partner_views]))
    cached = not_modified(request, tag, lang)
    if cached:
        return cached
    results = catalog.search(view, q=q, category=category, page=page)
    elsewhere = [{"library": slug, "name": state.library_name(slug),
                  "results": catalog.search(v, q=q, category=category, per_page=catalog.PER_PAGE)}
                 for slug, v in partner_views] if (q or category) else []
    return public_page(request, "public/catalog.html", state=state, lang=lang, library=library, etag=tag,
                       q=q, category=category, results=results, elsewhere=[e for e in elsewhere if e["results"].total],
                       categories=catalog.branch(catalog.categories(view), category),
                       empty=not results.total and not catalog.has_tools(view))


@router.get("/catalog/{library}/tools/{code}", include_in_schema=False)
def tool_page(request: Request, library: str, code: str, state: WebState = Depends(web_state),
              lang: str = Depends(_lang)) -> Response:
    return _tool(request, state, lang, library, library, code)


@router.get("/catalog/{library}/partners/{partner}/tools/{code}", include_in_schema=False)
def partner_tool_page(request: Request, library: str, partner: str, code: str, state: WebState = Depends(web_state),
                      lang: str = Depends(_lang)) -> Response:
    return _tool(request, state, lang, library, partner, code)


@router.get("/catalog/{library}/tools/{code}/photo", include_in_schema=False)
def tool_photo(request: Request, library: str, code: str, state: WebState = Depends(web_state),
               lang: str = Depends(_lang)) -> Response:
    return _photo(request, state, lang, library, library, code)


@router.get("/catalog/{library}/partners/{partner}/tools/{code}/photo", include_in_schema=False)
def partner_tool_photo(request: Request, library: str, partner: str, code: str,
                       state: WebState = Depends(web_state), lang: str = Depends(_lang)) -> Response:
    return _photo(request, state, lang, library, partner, code)


@router.get("/language/{choice}", include_in_schema=False)
def switch_language(request: Request, choice: str, state: WebState = Depends(web_state)) -> Response:
    """Remembers the choice for a year and goes back to the page the visitor was on (on this site only)."""
    if choice not in i18n.LANGUAGES:
        return error_page(request, state, i18n.language(request), 404, "No such language / No existe ese idioma.")
    back = request.query_params.get("next", "/")
    if not back.startswith("/") or back.startswith("//") or "\\" in back or len(back) > MAX_NEXT:
        back = "/"
    response = RedirectResponse(back, status_code=303)
    response.set_cookie(i18n.COOKIE, choice, max_age=i18n.COOKIE_MAX_AGE, path="/", httponly=True, samesite="lax",
                        secure=state.config.cookie_secure)
    return response


def _tool(request: Request, state: WebState, lang: str, library: str, owner: str, code: str) -> Response:
    _ = i18n.translator(lang)
    refused = _refusal(request, state, lang, library)
    if refused:
        return refused
    if owner != library and owner not in _partners(state, library):
        return error_page(request, state, lang, 404, _("There is no such tool in this catalog."), library)
    view = state.views.get(owner)
    tag = etag(("tool", library, owner, code, lang, state.config.today(), state.library_name(owner), view.cursor))
    cached = not_modified(request, tag, lang)
    if cached:
        return cached
    tool = catalog.tool(view, code)
    if tool is None:
        return error_page(request, state, lang, 404, _("There is no such tool in this catalog."), library)
    base = f"/catalog/{library}" + (f"/partners/{owner}" if owner != library else "")
    return public_page(request, "public/tool.html", state=state, lang=lang, library=library, etag=tag, tool=tool,
                       owner=owner, owner_name=state.library_name(owner), tool_url=f"{base}/tools/{code}")


def _photo(request: Request, state: WebState, lang: str, library: str, owner: str, code: str) -> Response:
    _ = i18n.translator(lang)
    missing = error_page(request, state, lang, 404, _("This tool has no photo."), library)
    if _refusal(request, state, lang, library) or (owner != library and owner not in _partners(state, library)):
        return missing
    tool = catalog.tool(state.views.get(owner), code)
    if not tool or not tool["photo"]:
        return missing
    tag = f'"{tool["photo"]}"'  # photos are named by their content's hash
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers={"ETag": tag, "Cache-Control": "public, max-age=86400"})
    data = state.source.photo(owner, tool["photo"])
    media_type = next((kind for magic, kind in IMAGE_TYPES.items() if data and data.startswith(magic)), None)
    if data is None or media_type is None:
        return missing
    return Response(data, media_type=media_type, headers={"ETag": tag, "Cache-Control": "public, max-age=86400"})


def _refusal(request: Request, state: WebState, lang: str, library: str) -> Response | None:
    """A page saying why, when the library does not exist or keeps its catalog private."""
    _ = i18n.translator(lang)
    if not SLUG.match(library) or state.source.library_name(library) is None:
        return error_page(request, state, lang, 404, _("There is no such library here."))
    if not public_settings.load(state.db, library).enabled:
        return error_page(request, state, lang, 404, _("This library's catalog is not public. Ask at the counter."))
    return None


def _partners(state: WebState, library: str) -> list[str]:
    """Partners whose tools this library shows, when it shows them and they keep their catalog public."""
    if not public_settings.load(state.db, library).show_partners:
        return []
    return [slug for slug in state.source.partners(library)
            if slug != library and public_settings.load(state.db, slug).enabled]


def _page_number(text: str) -> int | None:
    if not text.isdigit() or not 1 <= int(text) <= catalog.MAX_PAGE:
        return None
    return int(text)
