"""Importing members from myTurn, Lend Engine and Circulate: only what lending needs."""

from __future__ import annotations

from kiosk.transfer import import_members
from tests.transfer.conftest import DATA


def test_myturn_members_keep_their_member_id_as_card_code(ledger):
    report = import_members(ledger, DATA / "myturn_members.csv")

    assert report.layout == "myturn" and report.added == 8 and report.bad_rows == []
    ana = ledger.find_member("M1001")
    assert (ana["name"], ana["email"], ana["phone"], ana["expires"]) == (
        "Ana Lopez", "ana.lopez@example.org", "(312) 555-0101", "2027-03-31")
    assert ledger.member("M1004")["notes"] == "Volunteer, Saturday shift"


def test_expiry_dates_in_every_spelling_are_read_month_first(ledger):
    import_members(ledger, DATA / "myturn_members.csv")

    expires = {m["code"]: m["expires"] for m in ledger.list_members()}
    assert expires == {"M1001": "2027-03-31", "M1002": "2026-12-01", "M1003": "2027-06-30", "M1004": None,
                       "M1005": "2027-01-15", "M1006": "2027-01-31", "M1007": "2026-10-31", "M1008": "2027-05-05"}


def test_addresses_are_not_imported_and_said_so(ledger):
    report = import_members(ledger, DATA / "myturn_members.csv")

    assert report.unknown_columns == ["Address", "City", "State", "Zip", "Membership Type"]
    assert "address" not in " ".join(str(v) for m in ledger.list_members() for v in m.values()).lower()


def test_lend_engine_contacts_use_the_membership_number(ledger):
    report = import_members(ledger, DATA / "lendengine_contacts.csv")

    assert report.layout == "lendengine" and report.added == 7
    assert ledger.member("LTL-0003")["name"] == "Chloé Dubois"
    assert ledger.member("LTL-0002")["phone"] == "07700 900002"
    assert ledger.member("14")["name"] == "Dev Patel"   # no membership number: the contact id
    assert ("1 member had no membership number in Lend Engine; their contact Id is their card code here."
            in report.notes)
    assert {"Balance", "Street", "Postcode"} <= set(report.unknown_columns)


def test_circulate_members_and_their_statuses(ledger):
    report = import_members(ledger, DATA / "circulate_members.csv")

    status = {m["code"]: (m["name"], m["status"]) for m in ledger.list_members()}
    assert status == {"1001": ("Sam Rivera", "active"), "1002": ("Jordan Lee", "active"),
                      "1003": ("Pat Kim", "suspended"), "1004": ("Alex Novak", "suspended"),
                      "1005": ("Rosa Diaz", "suspended"), "1006": ("Mo Ali", "active")}
    assert any("pending in Circulate" in note for note in report.notes)


def test_unreadable_dates_and_missing_names_are_bad_rows(ledger, write_csv):
    path = write_csv("Member ID,First Name,Last Name,Email,Membership Expiration\n"
                     "M1,Ana,Lopez,ana@example.org,03/31/2027\n"
                     "M2,Ben,Okafor,ben@example.org,next spring\n"
                     ",,,c@example.org,31/31/2027\n")

    report = import_members(ledger, path)

    assert not report.written and ledger.list_members() == []
    assert [(row.line, row.message) for row in report.bad_rows] == [
        (3, "Membership Expiration: 'next spring' is not a date this import can read; write it like 2027-03-31"),
        (4, "Membership Expiration: '31/31/2027' is not a date this import can read; write it like 2027-03-31; "
            "no name ('First Name' and 'Last Name' are blank); no card code ('Member ID' is blank)"),
    ]


def test_importing_members_twice_adds_nothing(ledger):
    import_members(ledger, DATA / "lendengine_contacts.csv")

    again = import_members(ledger, DATA / "lendengine_contacts.csv")

    assert (again.added, again.updated, again.unchanged) == (0, 0, 7)
