"""Member sign-in without passwords, over HTTP to a real server, with the link caught by a real SMTP server."""

from __future__ import annotations

import pytest

from tests.web.member_helpers import (  # noqa: F401 (fixtures)
    ask_for_link, body, follow_link, from_address, inbox, link_and_code, sign_in, smtp_options,
)


@pytest.fixture
def web_options(inbox) -> dict:
    return smtp_options(inbox)


def test_a_member_signs_in_with_the_link_from_the_message(maple, web, client, inbox):
    visitor = client()
    answer = ask_for_link(visitor, "Ana.Lopez@example.org")
    assert answer.status_code == 200 and "Check your messages" in answer.text
    message = inbox.wait_for("ana.lopez@example.org")[0]
    link, code = link_and_code(message)
    assert "15 minutes" in body(message) and link.startswith(web.url)
    assert follow_link(visitor, link).status_code == 303
    page = visitor.get("/member/")
    assert page.status_code == 200 and "Ana Lopez" in page.text and "Cordless drill" in page.text
    assert "Ben Okafor" not in page.text and "Spade" not in page.text


def test_the_answer_is_the_same_for_an_unknown_address(maple, web, client, inbox):
    known, unknown = client(), client()
    a = ask_for_link(known, "ben@example.org")
    b = ask_for_link(unknown, "nobody@example.org")
    assert a.status_code == b.status_code == 200
    strip = lambda r, addr: r.text.replace(addr, "ADDRESS").split('name="csrf_token" value="')[0]  # noqa: E731
    assert strip(a, "ben@example.org") == strip(b, "nobody@example.org")
    inbox.wait_for("ben@example.org")
    assert inbox.to("nobody@example.org") == []


def test_a_link_works_once_and_not_after_15_minutes(maple, web, client, inbox, clock):
    visitor = client()
    ask_for_link(visitor, "ben@example.org")
    link, _ = link_and_code(inbox.wait_for("ben@example.org")[0])
    assert follow_link(visitor, link).status_code == 303
    again = client()
    reused = follow_link(again, link)
    assert reused.status_code == 400 and "used or has expired" in reused.text
    assert again.get("/member/").status_code == 303

    ask_for_link(client(), "ben@example.org")
    late_link, _ = link_and_code(inbox.wait_for("ben@example.org", 2)[1])
    clock.advance(15 * 60 + 1)
    late = client()
    assert follow_link(late, late_link).status_code == 400
    assert late.get("/member/").headers["location"].startswith("/member/signin")


def test_the_code_works_once_and_wrong_codes_kill_only_the_code(maple, web, client, inbox):
    visitor = client()
    ask_for_link(visitor, "ana.lopez@example.org")
    link, code = link_and_code(inbox.wait_for("ana.lopez@example.org")[0])
    guesser = client()
    for guess in ("000000", "111111", "222222", "333333", "444444"):
        if guess == code:
            continue
        wrong = guesser.submit("/member/signin?library=maple", "/member/signin/code",
                               {"library": "maple", "address": "ana.lopez@example.org", "code": guess})
        assert wrong.status_code == 401
    typed = visitor.submit("/member/signin?library=maple", "/member/signin/code",
                           {"library": "maple", "address": "ana.lopez@example.org", "code": code})
    assert typed.status_code == 401, "five wrong codes retire the code"
    assert follow_link(visitor, link).status_code == 303, "the link in the same message still works"

    ask_for_link(client(), "ana.lopez@example.org")
    _, fresh = link_and_code(inbox.wait_for("ana.lopez@example.org", 2)[1])
    other = client()
    ok = other.submit("/member/signin?library=maple", "/member/signin/code",
                      {"library": "maple", "address": "ana.lopez@example.org", "code": fresh})
    assert ok.status_code == 303 and "Ana Lopez" in other.get("/member/").text
    used = client().submit("/member/signin?library=maple", "/member/signin/code",
                           {"library": "maple", "address": "ana.lopez@example.org", "code": fresh})
    assert used.status_code == 401


def test_requests_are_limited_per_client_and_per_address_without_locking_the_member_out(maple, web, client, inbox):
    limits = web.state.member_limits
    flooder = client()
    for _ in range(limits.per_client):
        assert ask_for_link(flooder, "ben@example.org").status_code == 200
    refused = ask_for_link(flooder, "ben@example.org")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    messages = inbox.wait_for("ben@example.org", limits.messages_per_address)
    assert len(messages) == limits.messages_per_address, "the inbox is not flooded"
    # Ben, from his own phone: the links already sent work, and a new client may still ask
    ben = from_address(client(), "127.0.0.2")
    assert ask_for_link(ben, "ben@example.org").status_code == 200
    link, _ = link_and_code(messages[-1])
    assert follow_link(ben, link).status_code == 303


def test_the_limits_live_in_the_database_not_the_process(maple, web, client, inbox):
    ask_for_link(client(), "ben@example.org")
    inbox.wait_for("ben@example.org")
    rows = web.state.db.query("SELECT key FROM member_requests")
    assert {r["key"] for r in rows} >= {"client:127.0.0.1", "address:maple:ben@example.org"}
    stored = web.state.db.query("SELECT token_hash, code_mac FROM member_links")
    link, code = link_and_code(inbox.to("ben@example.org")[0])
    assert stored and link.split("t=")[1] not in str([tuple(r) for r in stored]) and code not in str(
        [tuple(r) for r in stored])


def test_sign_in_forms_need_their_csrf_token(maple, web, client, inbox):
    visitor = client()
    visitor.get("/member/signin?library=maple")
    forged = visitor.post("/member/signin", data={"library": "maple", "address": "ben@example.org",
                                                   "csrf_token": "0" * 64})
    assert forged.status_code == 403
    cross = visitor.post("/member/signin", data={"library": "maple", "address": "ben@example.org"},
                         headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403
    assert inbox.to("ben@example.org") == []


def test_signing_out_ends_the_session(maple, web, client, inbox):
    visitor = client()
    sign_in(visitor, inbox, "ben@example.org")
    cookie = dict(visitor.cookies)
    assert visitor.submit("/member/", "/member/signout", {}).status_code == 303
    replay = client()
    replay.cookies.update(cookie)
    assert replay.get("/member/").status_code == 303


def test_after_signing_in_the_member_comes_back_to_the_page_they_left_never_another_site(maple, web, client, inbox):
    visitor = client()
    assert visitor.get("/member/card").headers["location"] == "/member/signin?next=%2Fmember%2Fcard"
    ask_for_link(visitor, "ben@example.org", next_path="/member/card")
    link, _ = link_and_code(inbox.wait_for("ben@example.org")[0])
    assert "next=%2Fmember%2Fcard" in link
    assert follow_link(visitor, link).headers["location"] == "/member/card"
    for n, evil in enumerate(("//evil.example/x", "https://evil.example/", "/\\evil.example")):
        other = client()
        ask_for_link(other, "ana.lopez@example.org", next_path=evil)
        link, _ = link_and_code(inbox.wait_for("ana.lopez@example.org", n + 1)[-1])
        assert "evil" not in link
        assert follow_link(other, link).headers["location"] == "/member/"
