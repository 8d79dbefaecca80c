"""Hostile requests to the coordinators' pages, over real HTTP: templates that would work forever,
and logins that would lock a coordinator out."""

from __future__ import annotations

import re
import threading

import pytest

from sync.client import SyncClient
from sync.server.web.reminders import optins, send as sending, settings as reminder_settings
from sync.server.web.reminders.optins import OptIn
from tests.web.conftest import ELM_COORDINATOR, MAPLE_COORDINATOR, MAPLE_VOLUNTEER
from tests.web.helpers import WebClient

# 121 characters that would loop 10^15 times in a plain sandbox
FOREVER = ("{% for a in range(100000) %}{% for b in range(100000) %}{% for c in range(100000) %}"
           "{% endfor %}{% endfor %}{% endfor %}")
# small numbers each, but 10^9 turns together
NESTED = ("{% for a in range(500) %}{% for b in range(500) %}{% for c in range(500) %}{{ '' }}"
          "{% endfor %}{% endfor %}{% endfor %}")


def _settings_form(web, **changes) -> dict:
    form = {k: v for k, v in reminder_settings.load(web.state.db, "maple").items() if k != "enabled"}
    return {**form, **changes}


@pytest.mark.parametrize("template, says", [
    (FOREVER, "limited to 500"),
    (NESTED, "too much work"),
    ("{{ 'x' * 100000000 }}", "limited to 500"),
    ("{% set ns = namespace(s='xx') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}", "longer than"),
    ("{% macro f() %}{{ f() }}{{ f() }}{% endmacro %}{{ f() }}", "calls itself"),
    ("{{ '{:>999999999}'.format('x') }}", "width of 999999999"),
])
def test_a_template_that_would_never_end_is_refused_with_a_reason_and_changes_nothing(web, client, template, says):
    coordinator = client(MAPLE_COORDINATOR)
    before = reminder_settings.load(web.state.db, "maple")
    r = coordinator.submit("/web/reminders", "/web/reminders/settings", _settings_form(web, overdue_body=template))
    assert r.status_code == 400
    assert says in r.text and "overdue body template" in r.text
    assert reminder_settings.load(web.state.db, "maple") == before


def test_one_librarys_costly_templates_leave_another_library_served(web, client, elm):
    """While Maple's coordinator keeps posting templates that would never end, Elm's pages answer."""
    maple_client, elm_client = client(MAPLE_COORDINATOR), client(ELM_COORDINATOR)
    tokens = maple_client.forms("/web/reminders")
    refused: list[int] = []

    def attack() -> None:
        for _ in range(10):
            r = maple_client.post("/web/reminders/settings",
                                  data={**_settings_form(web, overdue_body=NESTED),
                                        "csrf_token": tokens["/web/reminders/settings"]})
            refused.append(r.status_code)

    attacker = threading.Thread(target=attack)
    attacker.start()
    pages = [elm_client.get("/web/reminders").status_code for _ in range(5)]
    attacker.join()
    assert pages == [200] * 5 and refused == [400] * 10


def test_a_template_costly_only_on_real_loans_fails_that_message_alone(maple, web, client, clock):
    """The sample a template is checked against has a loan 9 days overdue; Ana's drill is 13 days
    overdue, which makes this one loop 400 x 400 times: her SMS fails with the reason, Ben's goes."""
    turns = "range(([0, overdue[0].days_overdue - 9]|max) * 100)"
    costly = f"{{% for a in {turns} %}}{{% for b in {turns} %}}{{% endfor %}}{{% endfor %}}{{{{ library }}}}: overdue"
    maple.edit_member("M2", phone="555-0102")
    SyncClient(maple).sync()
    reminder_settings.save(web.state.db, "maple", {"enabled": True, "sms_overdue": costly})
    for member in ("M1", "M2"):
        optins.set_optin(web.state, "maple", member, OptIn(sms=True))
    coordinator = client(MAPLE_COORDINATOR)
    r = coordinator.submit("/web/reminders", "/web/reminders/send", {})
    assert r.status_code == 303
    log = {row["member_code"]: row for row in sending.log(web.state, "maple")}
    assert log["M1"]["status"] == "failed" and "too much work" in log["M1"]["error"]
    assert log["M2"]["status"] == "logged" and [to for to, _ in web.sms.outbox] == ["555-0102"]


# -- logins ------------------------------------------------------------------------------------------

def _from(web, address: str) -> WebClient:
    return WebClient(web, local_address=address)


def test_failures_from_one_address_do_not_lock_the_coordinator_out_elsewhere(web):
    attacker = _from(web, "127.0.0.2")
    limits = web.state.config.login_limits
    for _ in range(limits.per_client_email * 3):
        r = attacker.login(MAPLE_COORDINATOR, "wrong password, really")
        assert r.status_code in (401, 429)
    assert attacker.login(MAPLE_COORDINATOR).status_code == 429          # that address is throttled
    assert _from(web, "127.0.0.3").login(MAPLE_COORDINATOR).status_code == 303   # the coordinator gets in


def test_one_address_guessing_one_password_is_throttled(web, clock):
    attacker = _from(web, "127.0.0.2")
    limits = web.state.config.login_limits
    for _ in range(limits.per_client_email):
        assert attacker.login(MAPLE_COORDINATOR, "wrong password, really").status_code == 401
    blocked = attacker.login(MAPLE_COORDINATOR)
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    clock.advance(limits.window + 1)
    assert attacker.login(MAPLE_COORDINATOR).status_code == 303


def test_many_addresses_guessing_one_password_hit_the_global_limit(web, clock):
    limits = web.state.config.login_limits
    failures = 0
    for n in range(2, 255):
        guesser = _from(web, f"127.0.1.{n}")
        for _ in range(limits.per_client_email):
            if failures < limits.per_email:
                assert guesser.login(MAPLE_COORDINATOR, "wrong password, really").status_code == 401
                failures += 1
        guesser.close()
        if failures >= limits.per_email:
            break
    assert failures == limits.per_email
    assert _from(web, "127.0.0.3").login(MAPLE_COORDINATOR).status_code == 429   # a distributed guess stops too
    assert _from(web, "127.0.0.3").login(MAPLE_VOLUNTEER).status_code == 303     # other accounts are not touched
    clock.advance(limits.window + 1)
    assert _from(web, "127.0.0.3").login(MAPLE_COORDINATOR).status_code == 303


# -- bodies ------------------------------------------------------------------------------------------

def test_an_oversized_form_is_refused_before_it_is_read(web):
    c = WebClient(web)
    token = c.forms("/web/login")["/web/login"]
    r = c.post("/web/login", data={"email": "x" * (600 << 10), "password": "y", "csrf_token": token})
    assert r.status_code == 413 and "longer than 512 KB" in r.text
    chunked = c.post("/web/login", content=iter([b"email=" + b"x" * (300 << 10), b"y" * (300 << 10)]),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert chunked.status_code == 413
    assert c.login(MAPLE_COORDINATOR).status_code == 303


def test_an_email_too_long_to_be_one_is_refused_without_being_counted(web):
    c = WebClient(web)
    for _ in range(web.state.config.login_limits.per_client):
        assert c.login("a" * 5000 + "@example.org", "whatever it is").status_code == 400
    assert c.login(MAPLE_COORDINATOR).status_code == 303


# -- enrolling a kiosk again --------------------------------------------------------------------------

def test_a_coordinator_enrolls_a_kiosk_again_from_the_kiosks_page(maple, web, client, tmp_path):
    from kiosk.ledger import Ledger
    from sync.client import Refused, enroll

    device = maple.device["id"]
    web.storage.revoke("maple", device)
    action = f"/web/kiosks/{device}/reenroll"
    assert client(MAPLE_VOLUNTEER).forms("/web/kiosks").get(action) is None            # volunteers cannot
    elm_coordinator = client(ELM_COORDINATOR)
    assert action not in elm_coordinator.forms("/web/kiosks")
    elm_token = next(iter(elm_coordinator.forms("/web/kiosks").values()), None)
    assert elm_coordinator.post(action, data={"csrf_token": elm_token or "x"}).status_code in (403, 404)
    shown = client(MAPLE_COORDINATOR).submit("/web/kiosks", action, {})
    assert shown.status_code == 200
    code = re.search(r'<code class="enroll-code">([^<]+)</code>', shown.text).group(1)
    stranger = Ledger.create(tmp_path / "stranger", library="maple", name="Maple")
    with pytest.raises(Refused, match="only it"):
        enroll(stranger, web.url, code)                                                 # another kiosk cannot
    stranger.close()
    assert enroll(maple, web.url, code)["device"] == device                           # the kiosk itself can
    maple.add_tool("MT9", "Mitre saw")
    assert SyncClient(maple).sync().acknowledged >= 1
