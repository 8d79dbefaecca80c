"""Each page shows the library's own data, read from the server's events through the kiosk's projections."""

from __future__ import annotations

import csv
import hashlib
import io

from sync.server.storage import Device
from tests.web.conftest import MAPLE_COORDINATOR, TODAY, days, sync


def rows(response) -> list[dict[str, str]]:
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))


def test_overdue_list_filters_and_sorts(maple, client):
    c = client(MAPLE_COORDINATOR)
    page = c.get("/web/overdue").text
    assert "Cordless drill" in page and "Spade" in page and "Step ladder" not in page
    assert page.index("Cordless drill") < page.index("Spade")        # most overdue first
    by_least = c.get("/web/overdue?sort=due").text
    assert by_least.index("Spade") < by_least.index("Cordless drill")
    assert "Spade" not in c.get("/web/overdue?min_days=5").text
    found = c.get("/web/overdue?q=okafor").text
    assert "Spade" in found and "Cordless drill" not in found


def test_overdue_csv_and_mail_merge(maple, client):
    c = client(MAPLE_COORDINATOR)
    loans = rows(c.get("/web/overdue.csv"))
    assert [(r["tool_code"], r["member_name"], r["days_overdue"]) for r in loans] == [
        ("MT1", "Ana Lopez", "13"), ("MT2", "Ben Okafor", "3")]
    assert loans[0]["due"] == days(-13).isoformat() and loans[0]["email"] == "ana.lopez@example.org"
    response = c.get("/web/overdue.csv")
    assert "attachment" in response.headers["content-disposition"]
    merge = rows(c.get("/web/overdue-mailmerge.csv"))
    assert [(r["member_code"], r["first_name"], r["tool_count"]) for r in merge] == [("M1", "Ana", "1"), ("M2", "Ben", "1")]
    assert merge[0]["tools"] == f"Cordless drill (MT1, due {days(-13).isoformat()})"


def test_a_csv_cell_never_becomes_a_formula(maple, client):
    maple.checkin("MT4", today=TODAY)                # M3, named like a spreadsheet formula, gets an overdue loan
    maple.checkout("M3", ["MT4"], today=days(-10))
    sync(maple)
    merge = rows(client(MAPLE_COORDINATOR).get("/web/overdue-mailmerge.csv"))
    carla = next(r for r in merge if r["member_code"] == "M3")
    assert carla["name"] == "'=HYPERLINK(\"x\") Carla"
    assert carla["phone"] == "+44 20 7946 0000"   # a phone number stays as it is


def test_loans_keep_borrowers_only_within_retention(maple, client):
    c = client(MAPLE_COORDINATOR)
    returned = c.get("/web/loans?state=returned").text
    assert "Pressure washer" in returned and "Tile cutter" not in returned
    tile = next(l for l in maple.loans(tool_code="MT5", open_only=False))
    page = c.get(f"/web/loans/{tile['id']}").text
    assert "not kept (past retention)" in page and "M3" not in page.split("History")[1].split("Borrowers")[0]
    drill = maple.loans(tool_code="MT1")[0]
    history = c.get(f"/web/loans/{drill['id']}").text
    assert f"Checked out to Ana Lopez, due {days(-13).isoformat()}" in history and "13 days overdue" in history


def test_tools_with_status_history_and_photo(maple, client, web):
    c = client(MAPLE_COORDINATOR)
    listing = c.get("/web/tools").text
    assert "Cordless drill" in listing and "On loan" in listing
    assert "Pressure washer" not in c.get("/web/tools?status=on_loan").text
    assert "Spade" in c.get("/web/tools?category=Garden").text
    page = c.get("/web/tools/MT1").text
    assert "Power tools &gt; Drills" in page and "Checked out to Ana Lopez" in page
    assert c.get("/web/tools/MT1/photo").status_code == 404
    assert c.get("/web/tools/NOPE").status_code == 404


def test_tool_photo_from_the_server(maple, client, web):
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    sha = hashlib.sha256(png).hexdigest()
    maple.edit_tool("MT2", photo=f"photos/{sha}.png")
    sync(maple)
    web.storage.put_photo(Device(maple.device["id"], "maple", "front"), sha, png)
    c = client(MAPLE_COORDINATOR)
    assert "/web/tools/MT2/photo" in c.get("/web/tools").text
    photo = c.get("/web/tools/MT2/photo")
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/png" and photo.content == png


def test_members_and_reminder_choices(maple, client):
    c = client(MAPLE_COORDINATOR)
    page = c.get("/web/members").text
    assert "Ana Lopez" in page and "ben@example.org" in page
    response = c.submit("/web/members", "/web/members/M1/reminders", {"email": "on", "q": ""})
    assert response.status_code == 303
    page = c.get("/web/members").text
    row = page.split('id="member-M1"')[1].split("</tr>")[0]
    assert 'name="email" checked' in row and 'name="sms" checked' not in row
    assert c.submit("/web/members", "/web/members/M1/reminders", {}).status_code == 303
    assert 'name="email" checked' not in c.get("/web/members").text.split('id="member-M1"')[1].split("</tr>")[0]


def test_partner_catalog_shows_availability_never_borrowers(maple, oak, elm, client):
    c = client(MAPLE_COORDINATOR)
    page = c.get("/web/partners").text
    assert "Oak Lane Tools" in page and "Oak log splitter" in page and "Oak floor sander" in page
    assert "Olga" not in page and "O1" not in page
    assert f"back {days(6).isoformat()}" in page               # the log splitter is out until then
    assert "Elm chainsaw" not in page                            # elm is no partner of maple
    assert "Oak log splitter" not in c.get("/web/partners?available=true").text


def test_kiosks_page(maple, client):
    page = client(MAPLE_COORDINATOR).get("/web/kiosks").text
    assert "kiosk kiosk1" in page and maple.device["id"] in page


def test_statistics(maple, client):
    page = client(MAPLE_COORDINATOR).get("/web/stats").text
    assert "Loans per week" in page and "<svg" in page
    assert "Most borrowed tools" in page and "Cordless drill" in page.split("Most borrowed tools")[1]
    never = page.split("Never borrowed")[1]
    assert "Angle grinder" in never and "Cordless drill" not in never
    assert "<strong>2</strong> overdue" in page
