"""Settling a conflict on the web writes an event that every kiosk of the library receives at its next sync."""

from __future__ import annotations

from urllib.parse import quote

from tests.web.conftest import MAPLE_COORDINATOR, sync


def resolve_action(conflict_id: str) -> str:
    return f"/web/conflicts/{quote(conflict_id, safe='')}/resolve"


def test_both_sides_are_shown(double_checkout, client):
    front, back = double_checkout
    page = client(MAPLE_COORDINATOR).get("/web/conflicts").text
    assert "Angle grinder" in page and "Checked out twice" in page
    sides = page.split('class="sides"')[1]
    assert "Ana Lopez" in sides and "Ben Okafor" in sides and "provisional" in sides
    assert "kiosk kiosk1" in sides and "kiosk kiosk2" in sides


def test_resolving_reaches_every_kiosk_at_its_next_sync(double_checkout, client, web):
    front, back = double_checkout
    [conflict] = front.conflicts()
    c = client(MAPLE_COORDINATOR)
    response = c.submit("/web/conflicts", resolve_action(conflict["id"]),
                        {"resolution": "First loan stands", "note": "Ben brought his back the same day"})
    assert response.status_code == 303
    assert "No conflicts to settle" in c.get("/web/conflicts").text
    assert "Settled:</strong> First loan stands" in c.get("/web/conflicts?show=all").text
    assert front.conflicts() and back.conflicts()                 # not before they sync
    for kiosk in (front, back):
        sync(kiosk)
        assert kiosk.conflicts() == []
        [settled] = kiosk.conflicts(include_resolved=True)
        assert (settled["status"], settled["resolution"], settled["resolution_note"]) == (
            "resolved", "First loan stands", "Ben brought his back the same day")
    event = web.storage.events("maple", after=0, limit=10_000)[-1][1]
    assert (event.type, event.device, event.entity) == ("conflict.resolved", "server:maple", f"conflict:{conflict['id']}")


def test_a_settled_conflict_cannot_be_settled_twice(double_checkout, client, web):
    front, _ = double_checkout
    [conflict] = front.conflicts()
    c = client(MAPLE_COORDINATOR)
    token = c.forms("/web/conflicts")[resolve_action(conflict["id"])]
    assert c.post(resolve_action(conflict["id"]).replace("%3A", ":"), data={
        "resolution": "First loan stands", "csrf_token": token}).status_code == 303
    again = c.post(resolve_action(conflict["id"]).replace("%3A", ":"), data={
        "resolution": "Second loan stands", "csrf_token": token})
    assert again.status_code == 409


def test_bad_answers_are_refused_and_nothing_is_written(double_checkout, client, web):
    front, _ = double_checkout
    [conflict] = front.conflicts()
    c = client(MAPLE_COORDINATOR)
    head = len(web.storage.events("maple", after=0, limit=10_000))
    for data, status in (({"resolution": "Somebody else's answer"}, 400), ({}, 400),
                         ({"resolution": "Other (see note)"}, 400),
                         ({"resolution": "First loan stands", "note": "x" * 501}, 400)):
        response = c.submit("/web/conflicts", resolve_action(conflict["id"]), data)
        assert response.status_code == status, data
    token = c.forms("/web/members")["/web/members/M1/reminders"]
    assert c.post("/web/conflicts/double:nope:nope/resolve", data={
        "resolution": "First loan stands", "csrf_token": token}).status_code == 403  # a token for this form only
    assert len(web.storage.events("maple", after=0, limit=10_000)) == head
