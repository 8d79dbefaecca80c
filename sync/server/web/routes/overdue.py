"""The overdue list: filter and sort, download it as CSV, or as a mail-merge CSV with one row per member."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response

from sync.server.web import csvfile, queries
from sync.server.web.guards import signed_in, web_state
from sync.server.web.queries import OVERDUE_SORTS
from sync.server.web.reminders import optins
from sync.server.web.render import SecureRoute, page
from sync.server.web.sessions import Session
from sync.server.web.state import WebState

router = APIRouter(route_class=SecureRoute)


def _overdue(state: WebState, session: Session, q: str, min_days: int, sort: str) -> list[dict[str, Any]]:
    view = state.views.get(session.account.library)
    return queries.overdue(view, state.config.today(), q=q, min_days=min_days, sort=sort)


Q = Query("", max_length=100)
MIN_DAYS = Query(0, ge=0, le=3650)
SORT = Query("days", pattern="^(" + "|".join(OVERDUE_SORTS) + ")$")


@router.get("/overdue")
def overdue_page(request: Request, q: str = Q, min_days: int = MIN_DAYS, sort: str = SORT,
                 session: Session = Depends(signed_in), state: WebState = Depends(web_state)) -> Response:
    loans = _overdue(state, session, q, min_days, sort)
    return page(request, "overdue.html", session=session, loans=loans, q=q, min_days=min_days, sort=sort,
                optins=optins.for_library(state, session.account.library),
                members=len({l["member_code"] for l in loans if l["member_code"]}))


@router.get("/overdue.csv")
def overdue_csv(q: str = Q, min_days: int = MIN_DAYS, sort: str = SORT,
                session: Session = Depends(signed_in), state: WebState = Depends(web_state)) -> Response:
    loans = _overdue(state, session, q, min_days, sort)
    return csvfile.download(
        f"overdue-{session.account.library}-{state.config.today().isoformat()}.csv",
        ["tool_code", "tool_name", "member_code", "member_name", "email", "phone", "due", "days_overdue",
         "renewals", "loan_id"],
        [(l["tool_code"], l["tool_name"], l["member_code"], l["member_name"], l["email"], l["phone"], l["due"],
          l["days_overdue"], l["renewals"], l["id"]) for l in loans])


@router.get("/overdue-mailmerge.csv")
def mail_merge_csv(q: str = Q, min_days: int = MIN_DAYS, session: Session = Depends(signed_in),
                   state: WebState = Depends(web_state)) -> Response:
    """One row per borrower, ready for a mail merge: who, how to reach them, which tools."""
    library = session.account.library
    loans = _overdue(state, session, q, min_days, "member")
    consent = optins.for_library(state, library)
    members: dict[str, dict[str, Any]] = {}
    for loan in loans:
        code = loan["member_code"]
        if not code:
            continue
        row = members.setdefault(code, {"loan": loan, "tools": [], "oldest": loan["due"], "days": 0})
        row["tools"].append(f"{loan['tool_name'] or loan['tool_code']} ({loan['tool_code']}, due {loan['due']})")
        row["oldest"] = min(row["oldest"], loan["due"])
        row["days"] = max(row["days"], loan["days_overdue"])
    name = state.library_name(library)
    return csvfile.download(
        f"overdue-mailmerge-{library}-{state.config.today().isoformat()}.csv",
        ["member_code", "first_name", "name", "email", "phone", "tool_count", "tools", "oldest_due",
         "most_days_overdue", "email_reminders", "sms_reminders", "library"],
        [(code, (m["loan"]["member_name"] or "").split(" ")[0], m["loan"]["member_name"], m["loan"]["email"],
          m["loan"]["phone"], len(m["tools"]), "; ".join(m["tools"]), m["oldest"], m["days"],
          "yes" if consent.get(code) and consent[code].email else "no",
          "yes" if consent.get(code) and consent[code].sms else "no", name)
         for code, m in members.items()])
