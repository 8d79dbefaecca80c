"""The impact report: a printable page of one library's figures, or its partner network's added
up, in English or Spanish, with its charts as SVG; coordinators choose whether to share."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from kiosk.ledger.errors import InvalidInput
from sync.server.web import impact_report, report_text
from sync.server.web.guards import PageError, checked_form, signed_in, web_state
from sync.server.web.render import SecureRoute, page
from sync.server.web.sessions import Session
from sync.server.web.state import WebState

router = APIRouter(route_class=SecureRoute)
DAY = "^(|\\d{4}-\\d{2}-\\d{2})$"


def _day(text: str, default: date, session: Session) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PageError(400, f"{text} is not a date; use YYYY-MM-DD.", session) from None


def number(value: float, language: str, decimals: int = 0) -> str:
    """1,234.50 in English, 1.234,50 in Spanish."""
    text = f"{value:,.{decimals}f}"
    return text.translate(str.maketrans(",.", ".,")) if language == "es" else text


@router.get("/report")
def report_page(request: Request, start: str = Query("", alias="from", pattern=DAY),
                end: str = Query("", alias="to", pattern=DAY), lang: str = Query("en", pattern="^(en|es)$"),
                scope: str = Query("library", pattern="^(library|network)$"),
                session: Session = Depends(signed_in), state: WebState = Depends(web_state)) -> Response:
    library = session.account.library
    today = state.config.today()
    first, last = _day(start, today.replace(month=1, day=1), session), _day(end, today, session)
    libraries = impact_report.network(state, library) if scope == "network" else [library]
    try:
        result = impact_report.report(state, libraries, first, last) if libraries else None
    except InvalidInput as exc:
        raise PageError(400, str(exc), session) from None
    return page(request, "report.html", session=session, result=result, scope=scope, lang=lang,
                start=first.isoformat(), end=last.isoformat(), t=report_text.words(lang),
                group=lambda name: report_text.group_name(name, lang),
                number=lambda value, decimals=0: number(value, lang, decimals),
                charts=impact_report.charts(result) if result else None,
                names=[state.library_name(slug) for slug in libraries],
                sharing=impact_report.shares(state, library))


@router.post("/report/sharing")
def report_sharing(form: FormData = Depends(checked_form), session: Session = Depends(signed_in),
                   state: WebState = Depends(web_state)) -> Response:
    impact_report.set_sharing(state, session.account.library, form.get("share") == "yes", session.account.email)
    return RedirectResponse(f"{state.config.prefix}/report?scope=network", status_code=303)
