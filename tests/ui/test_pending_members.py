"""A member who signed up online reaches the kiosk at its sync; the volunteer screen lists them, and a
volunteer activates them after checking their ID."""

from __future__ import annotations

from kiosk.ledger import SyncBatch
from kiosk.ledger.events import Event
from kiosk.ledger.ids import uuid7
from tests.ui.test_staff import sign_in


def _signed_up_on_the_server(ledger, code: str, name: str) -> None:
    """The event the server writes for the library, as a sync delivers it."""
    last = ledger._query("SELECT max(hlc) AS hlc FROM events")[0]["hlc"]
    event = Event(uuid7(), ledger.library["slug"], f"server:{ledger.library['slug']}", 1, last + 1,
                  "member.signed_up", 1, f"member:{code}",
                  {"code": code, "fields": {"name": name, "email": "wen@example.org", "status": "pending",
                                            "waiver_version": ledger.settings["waiver_version"],
                                            "waiver_language": "es", "expires": "2099-01-01"}})
    ledger.apply_sync(SyncBatch(acks={}, events=[event], meta={}))


def test_the_volunteer_screen_lists_online_sign_ups_and_activates_them(kiosk, ledger, codes):
    _signed_up_on_the_server(ledger, "WEB-1", "Wen Web")
    assert [r.reason for r in ledger.checkout_refusals("WEB-1", [codes.tool])] == ["pending"]
    sign_in(kiosk, "volunteer", "1234")
    assert kiosk.screen.name == "volunteer"
    assert "1 signed up online: check their ID, then activate them" in kiosk.texts()
    kiosk.tap(kiosk.find("Activate Wen Web"))
    assert ledger.member("WEB-1")["status"] == "active"
    assert ledger.pending_members() == []
    assert kiosk.screen.name == "member_form"
    kiosk.app.go("volunteer")
    kiosk.pump(2)
    assert not any("signed up online" in t for t in kiosk.texts())


def test_a_coordinator_sets_how_online_sign_ups_and_renewals_work(kiosk, ledger):
    from tests.ui.test_staff import open_settings

    screen = open_settings(kiosk)
    assert ledger.settings["signup"] == "volunteer"
    kiosk.tap(kiosk.find("Active at once"))
    kiosk.type(screen.ids.renew_online_days, "400")
    kiosk.tap(kiosk.find("Save"))
    kiosk.pump(3)
    assert "from 0 to 366" in screen.ids.error_members.text
    assert ledger.settings["renew_online_days"] == 0
    kiosk.type(screen.ids.renew_online_days, "30")
    kiosk.type(screen.ids.membership_days, "180")
    kiosk.tap(kiosk.find("Save"))
    assert kiosk.screen.name == "coordinator"
    settings = ledger.settings
    assert (settings["signup"], settings["renew_online_days"], settings["membership_days"]) == ("at_once", 30, 180)
