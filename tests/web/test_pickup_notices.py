"""Pickup notices: when the server learns a hold is on the hold shelf, its member is told once, by email
to a real SMTP server on loopback or by the logging SMS gateway, in their language."""

from __future__ import annotations

from datetime import date

from sync.server.web.reminders import send as sending
from tests.web.conftest import sync
from tests.web.test_reminders import at_nine, inbox, opt_in, switch_on, web_options  # noqa: F401  (fixtures)


def _pickups(inbox, address: str, words: str) -> list:
    return [m for m in inbox.to(address) if words in m["Subject"]]


def test_a_member_is_told_once_in_their_language(maple, web, inbox, at_nine):  # noqa: F811
    switch_on(web)
    maple.edit_member("M2", language="es")
    opt_in(web, "M2", email=True)
    hold = maple.place_hold("M2", "MT1")    # Ana has the drill: Ben waits
    sync(maple)
    sending.send(web.state, "maple")
    assert _pickups(inbox, "ben@example.org", "le espera") == []     # waiting is not news

    result = maple.checkin("MT1")
    sync(maple)
    sending.send(web.state, "maple")
    [mail] = _pickups(inbox, "ben@example.org", "le espera")
    assert mail["Subject"] == "Cordless drill le espera en Maple Street Tool Library"
    body = mail.get_payload(decode=True).decode()
    until = date.fromisoformat(result["hold"]["ready_until"])
    assert "Hola Ben:" in body and f"antes del {until.day} de " in body and "apartado para usted" in body

    at_nine.advance(3600)
    sending.send(web.state, "maple")
    assert len(_pickups(inbox, "ben@example.org", "le espera")) == 1       # once
    assert maple.hold(hold["id"])["status"] == "ready"


def test_an_sms_notice_in_english_and_none_without_consent(maple, web, inbox, at_nine):  # noqa: F811
    switch_on(web)
    opt_in(web, "M3", sms=True)
    carla = maple.place_hold("M3", "MT7")          # on the shelf: set aside at once
    maple.place_hold("M2", "MT6")                  # Ben never agreed to messages
    sync(maple)
    sending.send(web.state, "maple")
    until = date.fromisoformat(carla["ready_until"])
    texts = [t for _, t in web.sms.outbox if "waiting for you" in t]
    assert texts == [f"Maple Street Tool Library: Angle grinder is waiting for you. "
                     f"Please pick it up by {until.day} {until.strftime('%B')}."]
    assert _pickups(inbox, "ben@example.org", "waiting") == []
    notices = web.state.db.query("SELECT member_code, channel, status FROM pickup_notices")
    assert [tuple(n) for n in notices] == [("M3", "sms", "logged")]
