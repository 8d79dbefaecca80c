"""Reminders by email to a real SMTP server on loopback, and by an SMS gateway that only logs."""

from __future__ import annotations

from datetime import datetime, time as clock_time
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from sync.server.web.config import SmtpSettings
from sync.server.web.reminders import optins, send as sending, settings as reminder_settings
from sync.server.web.reminders.optins import OptIn
from tests.sync.helpers import free_port
from tests.web.conftest import MAPLE_COORDINATOR, TODAY, days


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def web_options(inbox) -> dict:
    return {"smtp": SmtpSettings(host="127.0.0.1", port=inbox.port, sender="tools@maple.example.org", starttls=False,
                                 timeout=5)}


@pytest.fixture
def at_nine(clock):
    clock.set(datetime.combine(TODAY, clock_time(9, 30)))
    return clock


def opt_in(web, code: str, *, email: bool = False, sms: bool = False) -> None:
    optins.set_optin(web.state, "maple", code, OptIn(email=email, sms=sms))


def switch_on(web, **changes) -> None:
    reminder_settings.save(web.state.db, "maple", {"enabled": True, "send_hour": 9, "reply_to": "desk@maple.example.org",
                                                  **changes})


def test_one_email_per_member_about_all_their_loans(maple, web, inbox, at_nine):
    switch_on(web)
    opt_in(web, "M1", email=True)   # Ana: the drill 13 days overdue, the ladder due tomorrow
    outcome = sending.send(web.state, "maple")
    assert (outcome.sent, outcome.failed) == (1, 0)
    [mail] = inbox.to("ana.lopez@example.org")
    assert mail["Subject"] == "Maple Street Tool Library: 1 tool overdue"
    assert mail["Reply-To"] == "desk@maple.example.org" and "tools@maple.example.org" in mail["From"]
    body = mail.get_payload(decode=True).decode()
    assert "Hello Ana" in body and "Cordless drill (MT1)" in body and "13 days ago" in body
    assert f"Step ladder (MT3), due {days(1).isoformat()}" in body
    assert inbox.to("ben@example.org") == []  # Ben never opted in


def test_at_most_one_message_a_day_and_overdue_repeats_on_schedule(maple, web, inbox, at_nine):
    switch_on(web, overdue_every_days=3)
    opt_in(web, "M1", email=True)
    sending.send(web.state, "maple")
    opt_in(web, "M2", email=True)
    second = sending.send(web.state, "maple")
    assert second.sent == 1 and len(inbox.to("ana.lopez@example.org")) == 1   # only Ben is new today
    assert sending.send(web.state, "maple").sent == 0
    at_nine.advance(24 * 3600)
    assert sending.send(web.state, "maple").sent == 0         # overdue again only every 3 days; ladder already told
    at_nine.advance(2 * 24 * 3600)
    third = sending.send(web.state, "maple")
    assert third.sent == 2 and len(inbox.to("ana.lopez@example.org")) == 2
    log = sending.log(web.state, "maple")
    assert [(m["member_code"], m["status"]) for m in log][:2] == [("M2", "sent"), ("M1", "sent")]
    days_sent = web.state.db.query("SELECT member_code, count(*) AS n FROM reminder_log GROUP BY member_code, day")
    assert all(row["n"] == 1 for row in days_sent)


def test_nothing_before_the_librarys_hour_or_when_switched_off(maple, web, inbox, clock):
    opt_in(web, "M1", email=True)
    clock.set(datetime.combine(TODAY, clock_time(8, 59)))
    assert sending.send(web.state, "maple").waiting == "reminders are switched off"
    switch_on(web)
    assert sending.send(web.state, "maple").waiting == "waiting for 09:00"
    clock.set(datetime.combine(TODAY, clock_time(9, 0)))
    assert sending.send(web.state, "maple").sent == 1


def test_sms_is_built_and_logged_never_sent(maple, web, inbox, at_nine):
    switch_on(web, due_soon_days=7)
    opt_in(web, "M3", sms=True)     # the hedge trimmer is due in six days; Carla has a phone
    outcome = sending.send(web.state, "maple")
    assert (outcome.logged, outcome.sent) == (1, 0) and inbox.messages == []
    [(to, text)] = web.sms.outbox
    assert to == "+44 20 7946 0000" and text == f"Maple Street Tool Library: Hedge trimmer due back {days(6).isoformat()}."
    [entry] = sending.log(web.state, "maple")
    assert (entry["channel"], entry["status"], entry["body"]) == ("sms", "logged", text)


def test_a_failed_delivery_is_logged_and_retried_later(maple, web, inbox, at_nine):
    switch_on(web)
    opt_in(web, "M1", email=True)
    web.state.email.settings = SmtpSettings(host="127.0.0.1", port=1, starttls=False, timeout=2)  # nothing listens there
    failed = sending.send(web.state, "maple")
    assert failed.failed == 1
    [entry] = sending.log(web.state, "maple")
    assert entry["status"] == "failed" and "SMTP 127.0.0.1:1" in entry["error"]
    web.state.email.settings = SmtpSettings(host="127.0.0.1", port=inbox.port, starttls=False, timeout=5)
    assert sending.send(web.state, "maple").sent == 1 and len(inbox.messages) == 1


def test_templates_are_checked_and_sandboxed(maple, web, client, inbox, at_nine):
    c = client(MAPLE_COORDINATOR)
    base = {**{k: v for k, v in reminder_settings.DEFAULTS.items() if k != "enabled"}, "enabled": "on"}
    for bad, message in (({"overdue_body": "{% for x in %}"}, "template has an error"),
                         ({"overdue_body": "{{ ''.__class__.__mro__[1].__subclasses__() }}"}, "template has an error"),
                         ({"send_hour": "25"}, "between 0 and 23"),
                         ({"reply_to": "not an address"}, "not an email address"),
                         ({"overdue_subject": "two\n{{ 'lines' }}\nhere"}, "one line")):
        response = c.submit("/web/reminders", "/web/reminders/settings", {**base, **bad})
        assert response.status_code == 400 and message in response.text, bad
    assert reminder_settings.load(web.state.db, "maple")["enabled"] is False      # nothing was stored
    custom = {**base, "overdue_subject": "Please return {{ overdue[0].tool_name }}", "send_hour": "9"}
    assert c.submit("/web/reminders", "/web/reminders/settings", custom).status_code == 303
    opt_in(web, "M2", email=True)
    assert sending.send(web.state, "maple").sent == 1
    assert inbox.to("ben@example.org")[0]["Subject"] == "Please return Spade"


def test_the_page_previews_sends_and_logs(maple, web, client, inbox, at_nine):
    c = client(MAPLE_COORDINATOR)
    assert c.submit("/web/members", "/web/members/M2/reminders", {"email": "on"}).status_code == 303
    page = c.get("/web/reminders").text
    assert "Ben Okafor" in page and "Email to ben@example.org" in page
    assert c.submit("/web/reminders", "/web/reminders/send", {}).status_code == 303   # sends even while switched off
    assert len(inbox.to("ben@example.org")) == 1
    page = c.get("/web/reminders?notice=sent").text
    assert "Nobody is due a reminder today" in page and "ben@example.org" in page.split("<h2>Sent</h2>")[1]


def test_members_without_consent_or_contact_get_nothing(maple, web, inbox, at_nine):
    switch_on(web)
    opt_in(web, "M2", sms=True)     # Ben agreed to SMS but has no phone number
    assert sending.send(web.state, "maple").sent == 0 and web.sms.outbox == []
    assert sending.preview(web.state, "maple") == []


def test_a_member_who_speaks_spanish_gets_the_spanish_texts(maple, web, inbox, at_nine):
    from tests.web.conftest import sync

    maple.edit_member("M1", language="es")
    maple.edit_member("M3", language="es")
    sync(maple)
    switch_on(web, due_soon_days=7)
    opt_in(web, "M1", email=True)
    opt_in(web, "M3", sms=True)
    opt_in(web, "M2", email=True)   # Ben said nothing: English
    sending.send(web.state, "maple")
    [mail] = inbox.to("ana.lopez@example.org")
    assert mail["Subject"] == "Maple Street Tool Library: 1 herramienta con retraso"
    body = mail.get_payload(decode=True).decode()
    assert "Hola, Ana:" in body and "Cordless drill (MT1)" in body and "hace 13 días" in body
    assert f"Step ladder (MT3), a más tardar el {days(1).isoformat()}" in body
    [(_, text)] = web.sms.outbox
    assert text == f"Maple Street Tool Library: devuelve Hedge trimmer a más tardar el {days(6).isoformat()}."
    assert inbox.to("ben@example.org")[0]["Subject"].endswith("overdue")


def test_the_spanish_texts_are_checked_like_the_others(web):
    with pytest.raises(reminder_settings.SettingsError, match="too long for an SMS"):
        reminder_settings.save(web.state.db, "maple", {"es_sms_overdue": "{{ library }}" + " x" * 300})
    with pytest.raises(reminder_settings.SettingsError, match="subject must be one line"):
        reminder_settings.save(web.state.db, "maple", {"es_overdue_subject": "una\nlínea"})


def test_one_bad_address_or_one_bad_library_never_stops_the_other_reminders(maple, web, inbox, monkeypatch, capsys,
                                                                           tmp_path):
    """A member's email with a line break (accepted before addresses were checked) fails alone, and elm's
    broken settings fail only elm: `reminders send` still mails everyone else, in every other library."""
    from kiosk.ledger import limits
    from tests.web.conftest import sync
    from tests.web.test_commands import run

    with monkeypatch.context() as old_version:  # as a kiosk and server from before the checks wrote it
        old_version.setattr(limits, "check_email", lambda value: None)
        maple.edit_member("M2", email="ben@example.org\nBcc: everyone@example.org")
        sync(maple)
    switch_on(web, send_hour=0)
    opt_in(web, "M1", email=True)
    opt_in(web, "M2", email=True)
    web.state.db.execute("INSERT INTO reminder_settings (library, settings) VALUES ('elm', ?)",
                         ('{"enabled": true, "send_hour": "nine"}',))
    monkeypatch.setenv("TOOLKIOSK_WEB_DATA", str(web.state.config.data_dir))
    for key, value in {"HOST": "127.0.0.1", "PORT": str(inbox.port), "FROM": "tools@maple.example.org",
                       "STARTTLS": "0"}.items():
        monkeypatch.setenv(f"TOOLKIOSK_SMTP_{key}", value)

    assert run(tmp_path / "server", "reminders", "send", monkeypatch=monkeypatch) == 1   # the web fixture's data
    out, err = capsys.readouterr()
    assert "elm: reminders failed" in err and "maple: 1 emailed, 0 SMS logged, 1 failed" in out
    assert len(inbox.to("ana.lopez@example.org")) == 1
    statuses = {row["member_code"]: (row["status"], row["error"]) for row in sending.log(web.state, "maple")}
    assert statuses["M1"] == ("sent", None)
    assert statuses["M2"][0] == "failed" and "linefeed" in statuses["M2"][1]
