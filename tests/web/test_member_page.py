"""The member's own page over HTTP: loans and Renew, holds and Cancel, the waiting list, history and
forgetting it, preferences, membership renewal and the card; and another member's data out of reach."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image

from kiosk.scan.decoder import Decoder
from tests.web.conftest import days, sync
from tests.web.member_helpers import inbox, sign_in, smtp_options  # noqa: F401 (fixtures)
from sync.server.web import csrf
from sync.server.web.members import words


@pytest.fixture
def web_options(inbox) -> dict:
    return smtp_options(inbox)


@pytest.fixture
def ana(maple, web, client, inbox):
    visitor = client()
    sign_in(visitor, inbox, "ana.lopez@example.org")
    return visitor


def _loan_id(ledger, tool: str) -> str:
    return ledger.loans(tool_code=tool)[0]["id"]


def test_loans_show_due_dates_with_the_weekday_and_renew_reaches_the_kiosk(maple, ana):
    page = ana.get("/member/").text
    loan = maple.loans(tool_code="MT3")[0]
    assert words.long_date(loan["due"], "en") in page and "Step ladder" in page
    assert words.WEEKDAYS[days(1).weekday()] in page
    action = f"/member/loans/{loan['id']}/renew"
    assert action in page
    done = ana.submit("/member/", action, {})
    assert done.status_code == 303
    after = ana.get(done.headers["location"]).text
    assert "Renewed: now due" in after
    sync(maple)
    renewed = maple.loans(tool_code="MT3")[0]
    assert renewed["renewals"] == 1 and renewed["due"] > loan["due"]


def test_renew_is_offered_only_where_the_rules_allow(maple, ana):
    page = ana.get("/member/").text
    overdue = _loan_id(maple, "MT1")  # 13 days late, past the grace period
    assert f"/member/loans/{overdue}/renew" not in page
    assert "This tool was due on " + words.long_date(maple.loans(tool_code="MT1")[0]["due"], "en") in page
    spanish = ana.get("/member/?lang=es").text
    assert "Esta herramienta debía devolverse el " + words.long_date(maple.loans(tool_code="MT1")[0]["due"], "es") in spanish
    refused = ana.post(f"/member/loans/{overdue}/renew", data={"csrf_token": "x"})
    assert refused.status_code == 403


def _post_as_tool_page(web, member, path: str, data: dict):
    """A form on another page of this site (the catalog's tool page) posting with the member's token for ``path``."""
    session = web.state.member_sessions.load(next(v for k, v in member.cookies.items() if "member" in k))
    return member.post(path, data={**data, "csrf_token": csrf.token(session.csrf_secret, path)})


def test_waiting_list_from_the_catalogs_tool_page_then_cancel(maple, web, ana):
    assert "/cancel" not in ana.get("/member/").text
    tool_page = ana.get("/catalog/maple/tools/MT2").text
    link = re.search(r'href="(/member/holds/new\?[^"]+)"[^>]*>Put me on the waiting list<', tool_page).group(1)
    link = link.replace("&amp;", "&")
    form = ana.get(link)
    assert form.status_code == 200 and "Spade" in form.text and 'name="any_copy"' in form.text
    placed = ana.submit(link, "/member/holds", {"tool": "MT2"})
    assert placed.status_code == 303, placed.text
    page = ana.get(placed.headers["location"]).text
    assert "You are on the waiting list." in page and "Spade" in page and "Number 1 in line" in page
    sync(maple)
    held = maple.holds(member_code="M1", current_only=True)
    assert [(h["tool_code"], h["status"]) for h in held] == [("MT2", "waiting")]
    cancel = re.search(r'action="(/member/holds/[^"]+/cancel)"', page).group(1)
    assert ana.submit("/member/", cancel, {}).status_code == 303
    assert "You are not waiting for any tool." in ana.get("/member/").text
    sync(maple)
    assert maple.holds(member_code="M1", current_only=True) == []


def test_the_waiting_list_link_asks_a_visitor_to_sign_in_and_comes_back(maple, web, client):
    visitor = client()
    asked = visitor.get("/member/holds/new?tool=MT2&library=maple")
    assert asked.status_code == 303
    signin = asked.headers["location"]
    assert signin.startswith("/member/signin?") and "library=maple" in signin
    assert "next=%2Fmember%2Fholds%2Fnew%3Ftool%3DMT2" in signin
    assert visitor.get(signin).status_code == 200


def test_a_hold_the_rules_refuse_gets_a_clear_answer(maple, web, ana):
    refused = _post_as_tool_page(web, ana, "/member/holds", {"tool": "MT1"})  # she has it herself
    assert refused.status_code == 409 and "No hold was placed" in refused.text
    assert _post_as_tool_page(web, ana, "/member/holds", {"tool": ""}).status_code == 400
    assert ana.post("/member/holds", data={"tool": "MT2", "csrf_token": "0" * 64}).status_code == 403


def test_another_members_loan_or_hold_is_out_of_reach(maple, web, client, inbox, ana):
    bens_loan = _loan_id(maple, "MT2")
    page = ana.get("/member/").text
    assert bens_loan not in page and "Ben Okafor" not in page
    answer = _post_as_tool_page(web, ana, f"/member/loans/{bens_loan}/renew", {})
    assert answer.status_code == 404
    sync(maple)
    assert maple.loans(tool_code="MT2")[0]["renewals"] == 0
    ben = client()
    sign_in(ben, inbox, "ben@example.org")
    assert _post_as_tool_page(web, ben, "/member/holds", {"tool": "MT3"}).status_code == 303
    hold_id = re.search(r'/member/holds/([^/"]+)/cancel', ben.get("/member/").text).group(1)
    assert _post_as_tool_page(web, ana, f"/member/holds/{hold_id}/cancel", {}).status_code == 404
    assert hold_id in ben.get("/member/").text


def test_history_within_retention_and_forget_my_history_now(maple, web, client, inbox):
    ben = client()
    sign_in(ben, inbox, "ben@example.org")
    page = ben.get("/member/").text
    assert "Pressure washer" in page  # returned 5 days ago, within the 90 days kept
    done = ben.submit("/member/", "/member/history/forget", {})
    assert done.status_code == 303
    page = ben.get(done.headers["location"]).text
    assert "Your history is forgotten." in page and "Pressure washer" not in page
    sync(maple)
    loans = {r["tool_code"]: r["member_code"] for r in maple._query("SELECT tool_code, member_code FROM loans")}
    assert loans["MT6"] is None and loans["MT2"] == "M2"
    kept = {e.payload["tool"]: e.payload["member"] for _, e in web.storage.events("maple", after=0, limit=10_000)
            if e.type == "loan.opened"}
    assert kept["MT6"] is None and kept["MT2"] == "M2", "the server's own copy of the log forgets too"


def test_preferences_are_written_on_the_member_record(maple, ana):
    done = ana.submit("/member/", "/member/preferences", {"language": "es", "reminders_email": "on"})
    assert done.status_code == 303
    page = ana.get(done.headers["location"]).text
    assert "Preferencias guardadas." in page and 'lang="es"' in page
    sync(maple)
    member = maple.member("M1")
    assert (member["language"], member["reminders_email"], member["reminders_sms"]) == ("es", 1, 0)
    bad = ana.submit("/member/", "/member/preferences", {"language": "fr"})
    assert bad.status_code == 400


def test_membership_renews_online_only_where_the_library_allows(maple, ana):
    assert "/member/membership/renew" not in ana.get("/member/").text
    maple.edit_member("M1", expires=days(20).isoformat())
    maple.configure(renew_online_days=10, membership_days=365)
    sync(maple)
    assert "can be renewed online from" in ana.get("/member/").text
    maple.configure(renew_online_days=30)
    sync(maple)
    page = ana.get("/member/").text
    assert "/member/membership/renew" in page
    before = maple.member("M1")["expires"]
    assert ana.submit("/member/", "/member/membership/renew", {}).status_code == 303
    sync(maple)
    assert maple.member("M1")["expires"] == days(20 + 365).isoformat() > before


def test_the_card_barcode_is_the_members_code_and_reads_with_the_kiosks_decoder(maple, ana):
    page = ana.get("/member/card").text
    assert "M1" in page
    image = ana.get("/member/card.png")
    assert image.headers["content-type"] == "image/png"
    gray = np.array(Image.open(io.BytesIO(image.content)).convert("L"))
    assert [c.text for c in Decoder(still=True).decode(gray)] == ["M1"]


def test_member_pages_need_a_member_session(maple, web, client):
    visitor = client()
    for path in ("/member/", "/member/card", "/member/card.png"):
        answer = visitor.get(path)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/member/signin")
    coordinator = client("ana@maple.example.org")
    assert coordinator.get("/member/").status_code == 303, "a coordinator's session is not a member's"


def test_pages_speak_spanish_from_the_browser_and_the_switch(maple, client):
    visitor = client()
    spanish = visitor.get("/member/signin?library=maple", headers={"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"})
    assert "Acceso de socios" in spanish.text and 'lang="es"' in spanish.text
    switched = visitor.get("/member/signin?library=maple&lang=en", headers={"Accept-Language": "es"})
    assert "Member sign-in" in switched.text
    assert "Member sign-in" in visitor.get("/member/signin?library=maple", headers={"Accept-Language": "es"}).text
