"""The library's tools: list with photo and status, one tool with its history, and its photo."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request, Response

from sync.server.web import queries, repair_queries
from sync.server.web.guards import PageError, signed_in, web_state
from sync.server.web.render import SecureRoute, page
from sync.server.web.sessions import Session
from sync.server.web.state import WebState

router = APIRouter(route_class=SecureRoute)
STATUSES = ("available", "on_loan", "in_repair", "missing", "retired")
# the first bytes of the image formats a kiosk camera saves
IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg", b"RIFF": "image/webp"}


@router.get("/tools")
def tools_page(request: Request, q: str = Query("", max_length=100),
               status: str = Query("", pattern="^(|" + "|".join(STATUSES) + ")$"),
               category: str = Query("", max_length=200), session: Session = Depends(signed_in),
               state: WebState = Depends(web_state)) -> Response:
    view = state.views.get(session.account.library)
    tools = queries.tools(view, q=q, status=status or None, category=category or None)
    return page(request, "tools.html", session=session, tools=tools, q=q, status=status, category=category,
                statuses=STATUSES, categories=queries.categories(view))


@router.get("/tools/{code}")
def tool_page(request: Request, code: str, session: Session = Depends(signed_in),
              state: WebState = Depends(web_state)) -> Response:
    view = state.views.get(session.account.library)
    tool = queries.tool(view, code)
    if tool is None:
        raise PageError(404, "There is no such tool in your library.", session)
    kiosks = {k.device: k.name for k in state.source.kiosks(session.account.library)}
    return page(request, "tool.html", session=session, tool=tool, history_events=queries.tool_history(view, code),
                member_names=queries.member_names(view), repairs=repair_queries.for_tool(view, code),
                kiosks=kiosks)


@router.get("/tools/{code}/photo")
def tool_photo(code: str, session: Session = Depends(signed_in), state: WebState = Depends(web_state)) -> Response:
    library = session.account.library
    tool = queries.tool(state.views.get(library), code)
    data = state.source.photo(library, tool["photo"]) if tool and tool.get("photo") else None
    media_type = next((kind for magic, kind in IMAGE_TYPES.items() if data and data.startswith(magic)), None)
    if data is None or media_type is None:
        raise PageError(404, "This tool has no photo on the server.", session)
    return Response(data, media_type=media_type, headers={"Cache-Control": "private, max-age=3600"})
