"""The real SMS channel, against a local HTTP server that records what it received: a generic JSON
webhook and Twilio's REST API, with retries, one message per member per day, and sign-in codes by SMS."""

from __future__ import annotations

from datetime import datetime, time as clock_time

import pytest

from sync.server.web.reminders import optins, send as sending, settings as reminder_settings
from sync.server.web.reminders.channels import DeliveryError
from sync.server.web.reminders.optins import OptIn
from sync.server.web.config import SmsSettings
from sync.server.web.reminders.sms_http import HttpSmsGateway
from tests.sync.helpers import free_port
from tests.web.conftest import TODAY
from tests.web.member_helpers import ask_for_link
from tests.web.sms_catcher import SmsCatcher

NO_PAUSE = {"pause": lambda seconds: None}


@pytest.fixture
def catcher():
    with SmsCatcher() as running:
        yield running


@pytest.fixture
def web_options(catcher) -> dict:
    settings = SmsSettings(provider="webhook", url=catcher.url + "/send", token="s3cret", sender="Maple Tools")
    return {"sms_gateway": HttpSmsGateway(settings, **NO_PAUSE)}


def test_the_webhook_gets_json_with_the_bearer_token(catcher):
    gateway = HttpSmsGateway(SmsSettings(provider="webhook", url=catcher.url + "/send", token="s3cret",
                                         sender="Maple"), **NO_PAUSE)
    assert gateway.send("+34600123456", "Your drill is due tomorrow.") == "sent"
    [got] = catcher.received
    assert got.path == "/send" and got.headers["Authorization"] == "Bearer s3cret"
    assert got.json() == {"to": "+34600123456", "message": "Your drill is due tomorrow.", "from": "Maple"}


def test_twilio_gets_its_messages_call_with_basic_auth(catcher):
    catcher.ok_status = 201
    gateway = HttpSmsGateway(SmsSettings(provider="twilio", url=catcher.url, account="AC123", token="tok",
                                         sender="+15550100000"), **NO_PAUSE)
    assert gateway.send("+15550100001", "Hola") == "sent"
    [got] = catcher.received
    assert got.path == "/2010-04-01/Accounts/AC123/Messages.json"
    assert got.form() == {"To": "+15550100001", "From": "+15550100000", "Body": "Hola"}
    assert got.basic_auth() == ("AC123", "tok")


def test_a_busy_gateway_is_retried_and_a_refusal_is_not(catcher):
    gateway = HttpSmsGateway(SmsSettings(provider="webhook", url=catcher.url, attempts=3), **NO_PAUSE)
    catcher.answers = [503, 429]
    assert gateway.send("555-0101", "x") == "sent" and len(catcher.received) == 3
    catcher.received.clear()
    catcher.answers = [400]
    with pytest.raises(DeliveryError, match="400"):
        gateway.send("555-0101", "x")
    assert len(catcher.received) == 1
    catcher.received.clear()
    catcher.answers = [500, 500, 500]
    with pytest.raises(DeliveryError, match="500"):
        gateway.send("555-0101", "x")
    assert len(catcher.received) == 3


def test_an_unreachable_gateway_fails_after_its_attempts():
    waits: list[float] = []
    gateway = HttpSmsGateway(SmsSettings(provider="webhook", url=f"http://127.0.0.1:{free_port()}/", attempts=3),
                             pause=waits.append)
    with pytest.raises(DeliveryError, match="ConnectionError"):
        gateway.send("555-0101", "x")
    assert waits == [2, 4]


def test_settings_come_from_server_env_and_bad_ones_are_refused():
    assert SmsSettings.from_env({}) is None
    twilio = SmsSettings.from_env({"TOOLKIOSK_SMS_PROVIDER": "twilio", "TOOLKIOSK_SMS_ACCOUNT": "AC1",
                                   "TOOLKIOSK_SMS_TOKEN": "t", "TOOLKIOSK_SMS_FROM": "+1555"})
    assert twilio.url == "https://api.twilio.com" and twilio.attempts == 3
    with pytest.raises(ValueError, match="Twilio needs"):
        SmsSettings.from_env({"TOOLKIOSK_SMS_PROVIDER": "twilio"})
    with pytest.raises(ValueError, match="must be one of"):
        SmsSettings.from_env({"TOOLKIOSK_SMS_PROVIDER": "pigeon"})
    with pytest.raises(ValueError, match="TOOLKIOSK_SMS_URL"):
        SmsSettings.from_env({"TOOLKIOSK_SMS_PROVIDER": "webhook", "TOOLKIOSK_SMS_URL": "ftp://x"})


def test_reminders_go_out_by_sms_once_a_member_a_day(maple, web, catcher, clock):
    clock.set(datetime.combine(TODAY, clock_time(9, 30)))
    reminder_settings.save(web.state.db, "maple", {"enabled": True, "send_hour": 9, "reply_to": "desk@example.org"})
    optins.set_optin(web.state, "maple", "M1", OptIn(sms=True))
    first = sending.send(web.state, "maple")
    assert first.sent == 1 and first.failed == 0
    [got] = catcher.received
    assert got.json()["to"] == "555-0101" and "Cordless drill" in got.json()["message"]
    second = sending.send(web.state, "maple", force=True)
    assert second.sent == 0 and len(catcher.received) == 1


def test_a_failed_sms_is_logged_and_tried_again_on_the_next_run(maple, web, catcher, clock):
    clock.set(datetime.combine(TODAY, clock_time(9, 30)))
    reminder_settings.save(web.state.db, "maple", {"enabled": True, "send_hour": 9, "reply_to": "desk@example.org"})
    optins.set_optin(web.state, "maple", "M1", OptIn(sms=True))
    catcher.answers = [503, 503, 503]
    assert sending.send(web.state, "maple").failed == 1
    assert sending.log(web.state, "maple")[0]["error"].startswith("webhook answered 503")
    assert sending.send(web.state, "maple").sent == 1
    assert len(catcher.received) == 4


def test_a_member_signs_in_with_a_code_sent_by_sms(maple, web, client, catcher):
    visitor = client()
    assert "mobile number" in visitor.get("/member/signin?library=maple").text
    assert ask_for_link(visitor, "555 0101").status_code == 200
    [got] = catcher.wait_for(1)
    message = got.json()
    assert message["to"] == "555-0101"
    code = message["message"].split("code is ")[1][:6]
    typed = client().submit("/member/signin?library=maple", "/member/signin/code",
                            {"library": "maple", "address": "555-0101", "code": code})
    assert typed.status_code == 303
