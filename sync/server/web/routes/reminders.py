"""Reminder settings and templates, today's preview, sending now, and the log of what was sent."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from sync.server.web import queries
from sync.server.web.guards import checked_form, signed_in, web_state
from sync.server.web.reminders import optins, send as sending, settings as reminder_settings
from sync.server.web.render import SecureRoute, page
from sync.server.web.sessions import Session
from sync.server.web.state import WebState

router = APIRouter(route_class=SecureRoute)


def _page(request: Request, state: WebState, session: Session, *, error: str = "", status_code: int = 200,
          form_values: dict | None = None, notice: str = "") -> Response:
    library = session.account.library
    consent = optins.for_library(state, library).values()
    stored = reminder_settings.load(state.db, library)
    return page(request, "reminders.html", session=session, status_code=status_code, error=error, notice=notice,
                settings=stored, form=form_values or stored,
                preview=sending.preview(state, library), log=sending.log(state, library, 100),
                email_optins=sum(o.email for o in consent), sms_optins=sum(o.sms for o in consent),
                smtp=state.config.smtp, template_fields=reminder_settings.TEMPLATE_FIELDS,
                template_labels=reminder_settings.LABELS,
                member_names=queries.member_names(state.views.get(library)))


@router.get("/reminders")
def reminders_page(request: Request, notice: str = "", session: Session = Depends(signed_in),
                   state: WebState = Depends(web_state)) -> Response:
    notices = {"saved": "Settings saved.", "sent": "Today's reminders were sent. See the log below."}
    return _page(request, state, session, notice=notices.get(notice, ""))


@router.post("/reminders/settings")
def save_settings(request: Request, form: FormData = Depends(checked_form), session: Session = Depends(signed_in),
                  state: WebState = Depends(web_state)) -> Response:
    changes = {name: form.get(name, "") for name in reminder_settings.DEFAULTS if name != "enabled"}
    changes["enabled"] = form.get("enabled") == "on"
    try:
        reminder_settings.save(state.db, session.account.library, changes)
    except reminder_settings.SettingsError as exc:
        shown = {**reminder_settings.load(state.db, session.account.library), **changes}
        return _page(request, state, session, error=str(exc), status_code=400, form_values=shown)
    return RedirectResponse(f"{state.config.prefix}/reminders?notice=saved", status_code=303)


@router.post("/reminders/send")
def send_now(form: FormData = Depends(checked_form), session: Session = Depends(signed_in),
             state: WebState = Depends(web_state)) -> Response:
    sending.send(state, session.account.library, force=True)
    return RedirectResponse(f"{state.config.prefix}/reminders?notice=sent", status_code=303)
