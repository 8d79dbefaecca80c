"""Online sign-up over HTTP: field checks, bot checks, the waiver in the member's language, and the pending
member reaching the kiosk, where a volunteer activates them."""

from __future__ import annotations

import re

import pytest

from kiosk.codeformat import CHECK_ALPHABET
from kiosk.ledger import Refused
from tests.web.conftest import sync
from tests.web.helpers import WebClient

GOOD = {"name": "Wen Web", "email": "wen@example.org", "phone": "+34 600 123 456", "language": "en",
        "waiver": "accepted"}


def _sign_up(visitor: WebClient, clock, data: dict, *, wait: float = 10, lang: str = "en"):
    form = visitor.get(f"/member/signup?library=maple&lang={lang}")
    assert form.status_code == 200
    token = visitor.forms(f"/member/signup?library=maple&lang={lang}")["/member/signup"]
    started = re.search(r'name="started" value="([^"]+)"', form.text).group(1)
    clock.advance(wait)
    return visitor.post("/member/signup", data={"library": "maple", "started": started, "waiver_shown": lang,
                                                 "csrf_token": token, **data})


def test_a_sign_up_becomes_a_pending_member_the_kiosk_activates(maple, client, clock):
    done = _sign_up(client(), clock, {**GOOD, "language": "es"}, lang="es")
    assert done.status_code == 200 and "Gracias por inscribirse" in done.text
    # the check symbol may be one of Crockford's non-alphanumeric ones: *, ~, $ or =
    code = re.search(rf"carné es (MAPLE-M[0-9A-Z]+-[0-9A-Z]+-[{re.escape(CHECK_ALPHABET)}])\.", done.text).group(1)
    sync(maple)
    member = maple.member(code)
    assert (member["name"], member["status"], member["language"]) == ("Wen Web", "pending", "es")
    assert (member["waiver_version"], member["waiver_language"]) == ("1", "es")
    assert [m["code"] for m in maple.pending_members()] == [code]
    with pytest.raises(Refused):
        maple.checkout(code, ["MT7"])
    maple.activate_member(code)
    assert maple.checkout(code, ["MT7"])


def test_the_waiver_shown_is_in_the_pages_language(maple, client):
    visitor = client()
    assert "bajo mi propia responsabilidad" in visitor.get("/member/signup?library=maple&lang=es").text
    assert "at my own risk" in visitor.get("/member/signup?library=maple&lang=en").text


def test_a_library_may_activate_at_once_or_take_no_sign_ups(maple, client, clock):
    maple.configure(signup="at_once")
    sync(maple)
    done = _sign_up(client(), clock, {**GOOD, "language": "en"})
    assert "You can borrow tools now" in done.text
    sync(maple)
    assert maple.pending_members() == []
    maple.configure(signup="off")
    sync(maple)
    assert client().get("/member/signup?library=maple").status_code == 403


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "Please give your name"),
    ("email", "not-an-address", "Please give an e-mail address"),
    ("phone", "call me", "That mobile number does not look right"),
    ("language", "fr", "Please choose English or Spanish"),
    ("waiver", "", "Please accept the waiver"),
    ("website", "http://spam.example", "Leave this empty"),
])
def test_every_bad_field_gets_its_own_message_and_nothing_is_written(maple, web, client, clock, field, value, message):
    before = len(web.storage.events("maple", after=0, limit=10_000))
    answer = _sign_up(client(), clock, {**GOOD, "language": "en", field: value})
    assert answer.status_code == 400 and message in answer.text
    assert "Please correct the fields marked below." in answer.text
    assert len(web.storage.events("maple", after=0, limit=10_000)) == before


def test_a_form_sent_faster_than_a_person_or_forged_is_refused(maple, web, client, clock):
    too_fast = _sign_up(client(), clock, GOOD, wait=0)
    assert too_fast.status_code == 400 and "quicker than a person" in too_fast.text
    visitor = client()
    token = visitor.forms("/member/signup?library=maple")["/member/signup"]
    forged = visitor.post("/member/signup", data={"library": "maple", "started": "0", "csrf_token": token, **GOOD})
    assert forged.status_code == 400
    assert visitor.post("/member/signup", data={"library": "maple", **GOOD}).status_code == 403
    sync(maple)
    assert maple.pending_members() == []


def test_sign_ups_are_limited_per_client(maple, web, client, clock):
    for n in range(web.state.member_limits.signups_per_client):
        assert _sign_up(client(), clock, {**GOOD, "email": f"wen{n}@example.org"}).status_code == 200
    refused = _sign_up(client(), clock, {**GOOD, "email": "wen99@example.org"})
    assert refused.status_code == 429 and "Too many sign-ups" in refused.text
