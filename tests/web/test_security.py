"""Who sees what, forms only from our own pages, sessions that end, and a login that cannot be guessed at speed."""

from __future__ import annotations

from sync.server.web.guards import cookie_name
from tests.web.conftest import ELM_COORDINATOR, MAPLE_COORDINATOR, MAPLE_VOLUNTEER
from tests.web.helpers import PASSWORD, WebClient

PAGES = ["/web/overdue", "/web/loans?state=all", "/web/conflicts?show=all", "/web/tools", "/web/members",
         "/web/partners", "/web/kiosks", "/web/stats", "/web/reminders", "/web/overdue.csv",
         "/web/overdue-mailmerge.csv", "/web/public-catalog"]


def test_a_coordinator_never_sees_another_librarys_data(maple, elm, oak, double_checkout, client):
    c = client(ELM_COORDINATOR)
    for path in PAGES:
        text = c.get(path).text
        for secret in ("Ana Lopez", "Ben Okafor", "ana.lopez@example.org", "555-0101", "Cordless drill", "Olga"):
            assert secret not in text, (path, secret)
    assert "Elmer Private" in c.get("/web/overdue").text
    loan = maple.loans(tool_code="MT1")[0]
    conflict = maple.conflicts()[0]
    assert c.get(f"/web/loans/{loan['id']}").status_code == 404
    assert c.get("/web/tools/MT1").status_code == 404
    assert c.get("/web/tools/MT1/photo").status_code == 404
    token = c.forms("/web/members")  # a valid session and token for elm's own forms...
    assert token
    # ...and no way to act on maple's conflict or members from elm
    assert c.submit("/web/members", "/web/logout", {}).status_code == 303
    c = client(ELM_COORDINATOR)
    forged = c.post(f"/web/conflicts/{conflict['id']}/resolve",
                    data={"resolution": "First loan stands", "csrf_token": "x"})
    assert forged.status_code == 403
    assert all(c["status"] == "open" for c in maple.conflicts())


def test_every_page_needs_a_login(web):
    anonymous = WebClient(web)
    for path in PAGES:
        response = anonymous.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/web/login?next=")


def test_forms_without_the_right_token_are_refused_and_change_nothing(maple, double_checkout, client, web):
    c = client(MAPLE_COORDINATOR)
    conflict = maple.conflicts()[0]
    action = f"/web/conflicts/{conflict['id']}/resolve"
    data = {"resolution": "First loan stands"}
    assert c.post(action, data=data).status_code == 403                                   # no token
    assert c.post(action, data={**data, "csrf_token": "0" * 64}).status_code == 403       # a wrong one
    other_form = c.forms("/web/members")["/web/members/M1/reminders"]
    assert c.post(action, data={**data, "csrf_token": other_form}).status_code == 403     # another form's
    token = c.forms("/web/conflicts")[f"/web/conflicts/{conflict['id'].replace(':', '%3A')}/resolve"]
    cross_site = c.post(action, data={**data, "csrf_token": token}, headers={"Origin": "https://evil.example"})
    assert cross_site.status_code == 403                                                   # sent from another site
    someone_else = client(MAPLE_VOLUNTEER)
    assert someone_else.post(action, data={**data, "csrf_token": token}).status_code == 403  # a token is per session
    assert web.storage.events("maple", after=0, limit=10_000)[-1][1].type != "conflict.resolved"
    assert c.post("/web/members/M1/reminders", data={"email": "on"}).status_code == 403
    assert "checked" not in c.get("/web/members").text.split('id="member-M1"')[1].split("</tr>")[0]


def test_the_login_form_has_a_token_too(web):
    anonymous = WebClient(web)
    response = anonymous.post("/web/login", data={"email": MAPLE_COORDINATOR, "password": PASSWORD})
    assert response.status_code == 403 and cookie_name(web.state) not in anonymous.cookies


def test_session_cookie_is_signed_secure_httponly_samesite(web):
    c = WebClient(web)
    response = c.login(MAPLE_COORDINATOR)
    header = next(h for h in response.headers.get_list("set-cookie") if h.startswith("__Host-toolkiosk_session="))
    flags = {part.strip().lower() for part in header.split(";")}
    assert {"secure", "httponly", "samesite=strict", "path=/"} <= flags
    value = c.cookies["__Host-toolkiosk_session"]
    c.cookies["__Host-toolkiosk_session"] = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    assert c.get("/web/overdue").status_code == 303                                        # tampered: signed out


def test_idle_and_old_sessions_expire(web, clock):
    c = WebClient(web)
    c.login(MAPLE_COORDINATOR)
    assert c.get("/web/overdue").status_code == 200
    clock.advance(web.state.config.idle_timeout - 60)
    assert c.get("/web/overdue").status_code == 200                                        # activity keeps it alive
    clock.advance(web.state.config.idle_timeout + 1)
    assert c.get("/web/overdue").status_code == 303                                        # idle too long
    c.login(MAPLE_COORDINATOR)
    for _ in range(web.state.config.session_max_age // (web.state.config.idle_timeout // 2) + 1):
        clock.advance(web.state.config.idle_timeout // 2)
        c.get("/web/stats")
    assert c.get("/web/overdue").status_code == 303                                        # past its maximum age


def test_logout_ends_the_session_on_the_server(web):
    c = WebClient(web)
    c.login(MAPLE_COORDINATOR)
    stolen = dict(c.cookies)
    assert c.submit("/web/overdue", "/web/logout", {}).status_code == 303
    thief = WebClient(web)
    thief.cookies = stolen
    assert thief.get("/web/overdue").status_code == 303


def test_login_is_throttled_after_repeated_failures(web, clock):
    c = WebClient(web)
    for _ in range(web.state.config.login_limits.per_client_email):
        assert c.login(MAPLE_COORDINATOR, "wrong password, really").status_code == 401
    blocked = c.login(MAPLE_COORDINATOR)                                                   # even the right password
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    assert "Too many failed logins" in blocked.text
    assert WebClient(web).login(MAPLE_VOLUNTEER).status_code == 303                         # other accounts still work
    clock.advance(web.state.config.login_limits.window + 1)
    assert c.login(MAPLE_COORDINATOR).status_code == 303


def test_many_addresses_from_one_client_are_throttled_too(web):
    c = WebClient(web)
    limit = web.state.config.login_limits.per_client
    for n in range(limit):
        assert c.login(f"guess{n}@example.org", "wrong password, really").status_code == 401
    assert c.login(MAPLE_COORDINATOR).status_code == 429


def test_volunteers_can_look_but_not_change(maple, double_checkout, client):
    c = client(MAPLE_VOLUNTEER)
    assert "Ana Lopez" in c.get("/web/overdue").text
    page = c.get("/web/conflicts").text
    assert "Mark settled" not in page and "/resolve" not in page
    token = c.forms("/web/overdue")["/web/logout"]
    conflict = maple.conflicts()[0]
    refused = c.post(f"/web/conflicts/{conflict['id']}/resolve", data={"resolution": "First loan stands",
                                                                        "csrf_token": token})
    assert refused.status_code == 403 and "Volunteer accounts" in refused.text
    assert c.post("/web/reminders/send", data={"csrf_token": token}).status_code == 403


def test_login_never_redirects_to_another_site(web):
    for target in ("https://evil.example/", "//evil.example/web/", "/web//evil.example", "/web/../../evil"):
        c = WebClient(web)
        token = c.forms("/web/login")["/web/login"]
        response = c.post("/web/login", data={"email": MAPLE_COORDINATOR, "password": PASSWORD, "next": target,
                                              "csrf_token": token})
        assert response.headers["location"] == "/web/overdue"
    c = WebClient(web)
    token = c.forms("/web/login?next=/web/stats")["/web/login"]
    response = c.post("/web/login", data={"email": MAPLE_COORDINATOR, "password": PASSWORD, "next": "/web/stats",
                                          "csrf_token": token})
    assert response.headers["location"] == "/web/stats"


def test_pages_carry_security_headers_and_passwords_are_argon2(web):
    c = WebClient(web)
    c.login(MAPLE_COORDINATOR)
    headers = c.get("/web/overdue").headers
    assert "script-src" not in headers["content-security-policy"] and "default-src 'none'" in headers[
        "content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["cache-control"] == "no-store"
    stored = web.state.db.one("SELECT password_hash FROM accounts WHERE email = ?", (MAPLE_COORDINATOR,))
    assert stored["password_hash"].startswith("$argon2id$") and PASSWORD not in stored["password_hash"]
