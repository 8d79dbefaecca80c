"""Holds on the coordinators' pages: placed for a member who phoned, cancelled, moved in line with a
reason; each is an event every kiosk of the library receives at its next sync."""

from __future__ import annotations

from urllib.parse import quote

from tests.web.conftest import ELM_COORDINATOR, MAPLE_COORDINATOR, MAPLE_VOLUNTEER, sync


def _action(hold_id: str, what: str) -> str:
    return f"/web/holds/{quote(hold_id, safe='')}/{what}"


def test_a_hold_placed_on_the_web_reaches_the_kiosk(maple, client, web):
    c = client(MAPLE_COORDINATOR)
    assert c.submit("/web/holds", "/web/holds/place", {"member": "M2", "tool": "MT1"}).status_code == 303
    page = c.get("/web/holds?done=placed").text
    assert "Hold placed." in page and "Cordless drill" in page and "number 1 in line" in page
    sync(maple)
    [hold] = maple.holds()
    assert (hold["member_code"], hold["tool_code"], hold["status"], hold["position"]) == ("M2", "MT1", "waiting", 1)
    assert maple.checkin("MT1")["hold"]["id"] == hold["id"]   # the kiosk honours it at once, offline or not
    event = [e for _, e in web.storage.events("maple", limit=10_000) if e.type == "hold.placed"][0]
    assert event.device == "server:maple"


def test_a_tool_on_the_shelf_is_set_aside_at_once_and_refusals_say_why(maple, client):
    c = client(MAPLE_COORDINATOR)
    assert c.submit("/web/holds", "/web/holds/place", {"member": "M2", "tool": "MT7"}).status_code == 303
    assert "on the hold shelf" in c.get("/web/holds").text
    refused = c.submit("/web/holds", "/web/holds/place", {"member": "M1", "tool": "MT1"})
    assert refused.status_code == 400 and "You have Cordless drill already." in refused.text
    unknown = c.submit("/web/holds", "/web/holds/place", {"member": "M9", "tool": "MT1"})
    assert unknown.status_code == 400 and "No member has the card M9" in unknown.text
    too_long = c.submit("/web/holds", "/web/holds/place", {"member": "M2", "tool": "X" * 201})
    assert too_long.status_code == 400
    sync(maple)
    assert [(h["tool_code"], h["status"]) for h in maple.holds()] == [("MT7", "ready")]
    assert maple.tool("MT7")["status"] == "on_hold_shelf"


def test_cancel_and_reorder_with_a_reason(maple, client, kiosk):
    maple.place_hold("M2", "MT1")
    carla = maple.place_hold("M3", "MT1")
    sync(maple)
    c = client(MAPLE_COORDINATOR)
    no_reason = c.submit("/web/holds", _action(carla["id"], "reorder"), {"position": "1", "reason": " "})
    assert no_reason.status_code == 400 and "Say why" in no_reason.text
    long_reason = c.submit("/web/holds", _action(carla["id"], "reorder"), {"position": "1", "reason": "x" * 201})
    assert long_reason.status_code == 400
    moved = c.submit("/web/holds", _action(carla["id"], "reorder"), {"position": "1", "reason": "phoned in May"})
    assert moved.status_code == 303
    sync(maple)
    assert maple.hold(carla["id"])["position"] == 1 and maple.hold(carla["id"])["reorder_reason"] == "phoned in May"
    assert c.submit("/web/holds", _action(carla["id"], "cancel"), {}).status_code == 303
    sync(maple)
    assert maple.hold(carla["id"])["status"] == "cancelled"
    assert c.get("/web/holds").text.count("in line") == 1


def test_volunteers_see_holds_but_cannot_change_them_and_forms_need_their_token(maple, client):
    hold = maple.place_hold("M2", "MT1")
    sync(maple)
    volunteer = client(MAPLE_VOLUNTEER)
    page = volunteer.get("/web/holds").text
    assert "Ben Okafor" in page and "Place hold" not in page
    assert volunteer.post(_action(hold["id"], "cancel"), data={}).status_code == 403
    coordinator = client(MAPLE_COORDINATOR)
    assert coordinator.post(_action(hold["id"], "cancel"), data={"csrf_token": "forged"}).status_code == 403
    sync(maple)
    assert maple.hold(hold["id"])["status"] == "waiting"


def test_another_library_sees_no_holds(maple, elm, client, kiosk):
    maple.place_hold("M2", "MT1")
    sync(maple)
    assert "Ben Okafor" not in client(ELM_COORDINATOR).get("/web/holds").text


def test_a_conflict_between_two_set_asides_is_shown_with_both_holds(maple, kiosk, client):
    back = kiosk("maple")
    sync(back)
    maple.place_hold("M1", "MT7")
    back.place_hold("M2", "MT7")
    for ledger in (maple, back, maple):
        sync(ledger)
    page = client(MAPLE_COORDINATOR).get("/web/conflicts").text
    assert "Set aside twice" in page and "Ana Lopez" in page and "Ben Okafor" in page
    assert "First hold keeps the tool" in page


def test_partners_see_the_hold_shelf_and_how_many_wait_never_who(maple, oak, client):
    oak.add_member("O2", "Otto Waiting", expires="2099-01-01")
    oak.accept_waiver("O2")
    oak.place_hold("O2", "OT1")             # the log splitter is out: Otto waits
    oak.place_hold("O1", "OT2")             # the sander is in: set aside for Olga at once
    sync(oak)
    page = client(MAPLE_COORDINATOR).get("/web/partners").text
    splitter = page.split("Oak log splitter")[1].split("</tr>")[0]
    sander = page.split("Oak floor sander")[1].split("</tr>")[0]
    assert "1 waiting" in splitter and "On the hold shelf" in sander
    assert "Otto" not in page and "Olga" not in page and "O2" not in page
