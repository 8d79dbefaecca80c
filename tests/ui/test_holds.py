"""Holds at the counter, driven through the widgets: the waiting list, the hold shelf at check-in,
"your tool is waiting for you", a member's holds with Cancel, and the volunteers' hold shelf."""

from __future__ import annotations

from datetime import date

import pytest


@pytest.fixture
def other_member(ledger, codes) -> str:
    """A member who may borrow, other than the demo's main one and whoever has the kit tool."""
    holder = ledger.tool(codes.tool_out_kit)["loan"]["member_code"]
    return next(m["code"] for m in ledger.list_members()
                if m["code"] not in (codes.member, holder) and not ledger.checkout_refusals(m["code"], []))


def test_a_borrower_joins_the_waiting_list_for_a_tool_that_is_out_and_cancels(kiosk, codes, ledger, other_member):
    kiosk.scan(other_member)
    kiosk.scan(codes.tool_out_kit)
    assert kiosk.screen.name == "waitlist"
    name = ledger.tool(codes.tool_out_kit)["name"]
    assert name in kiosk.texts() and any(t.startswith("On loan, due back on") for t in kiosk.texts())
    assert "No one is waiting for it yet." in kiosk.texts()
    kiosk.tap(kiosk.find("Put me on the waiting list"))
    assert kiosk.screen.name == "member" and kiosk.screen.basket == []
    assert kiosk.app.toast.text == "You are number 1 in line."
    [hold] = ledger.holds(member_code=other_member)
    assert (hold["tool_code"], hold["status"]) == (codes.tool_out_kit, "waiting")
    row = next(r for r in kiosk.screen.ids.loans.children if r.code == hold["id"])
    assert row.title == name and row.detail == "Waiting list: number 1 in line"
    kiosk.tap(kiosk.find("Cancel"))
    assert ledger.hold(hold["id"])["status"] == "cancelled"
    assert all(r.code != hold["id"] for r in kiosk.screen.ids.loans.children)


def test_a_returned_tool_goes_to_the_hold_shelf_and_its_member_hears_of_it(kiosk, codes, ledger, other_member):
    hold = ledger.place_hold(other_member, codes.tool_out_kit)
    member = ledger.member(other_member)
    first, last = member["name"].split()[0], member["name"].split()[-1]
    kiosk.scan(codes.tool_out_kit)
    kiosk.tap(kiosk.find("It's OK"))
    assert kiosk.screen.name == "hold_slip"
    assert f"Put this on the hold shelf for {first} {last[0]}." in kiosk.texts()
    assert (kiosk.app.service.home / "labels" / f"hold-{hold['id']}.png").exists()
    assert ledger.tool(codes.tool_out_kit)["status"] == "on_hold_shelf"
    kiosk.tap(kiosk.find("Done"))
    assert kiosk.screen.name == "home"

    kiosk.scan(codes.member)                      # anyone else is refused with a plain reason
    kiosk.scan(codes.tool_out_kit)
    assert kiosk.screen.name == "waitlist" and kiosk.app.toast.text == "This is set aside for another member."
    kiosk.app.go_home()
    kiosk.scan(other_member)                      # its member is told at their next card scan
    assert kiosk.app.toast.text == f"Your {ledger.tool(codes.tool_out_kit)['name']} is waiting for you on the hold shelf."
    ready = next(r for r in kiosk.screen.ids.loans.children if r.code == hold["id"])
    assert ready.detail.startswith("On the hold shelf for you until")


def test_the_volunteers_hold_shelf_says_what_to_do(kiosk, codes, ledger, other_member):
    kept = ledger.place_hold(other_member, codes.shelf_tools[0])                       # set aside now
    stale = ledger.place_hold(other_member, codes.shelf_tools[1], today=date(2020, 1, 7))  # window long over
    kiosk.app.role = "volunteer"
    kiosk.app.go("volunteer")
    kiosk.pump(3)   # laid out, as a person sees it before touching
    kiosk.tap(kiosk.find("Hold shelf"))
    assert kiosk.screen.name == "hold_shelf"
    rows = {r.code: r for r in kiosk.screen.ids.rows.children}
    assert rows[kept["id"]].detail.startswith("For ") and not rows[kept["id"]].action
    assert "did not pick it up by" in rows[stale["id"]].detail and rows[stale["id"]].action == "Put back"
    kiosk.tap(kiosk.find("Put back"))
    assert kiosk.app.toast.text == "Put it back on the open shelf."
    assert ledger.tool(codes.shelf_tools[1])["status"] == "available"
    assert ledger.hold(stale["id"])["status"] == "expired"
    assert [r.code for r in kiosk.screen.ids.rows.children] == [kept["id"]]


def test_a_borrower_finds_a_tool_by_name_and_joins_its_waiting_list(kiosk, codes, ledger, other_member):
    out = ledger.tool(codes.tool_out_kit)
    kiosk.scan(other_member)
    kiosk.tap(kiosk.find("Find a tool"))
    assert kiosk.screen.name == "find_tool"
    kiosk.type(kiosk.screen.ids.query, out["name"])
    row = next(r for r in kiosk.screen.ids.rows.children if r.code == out["code"])
    assert row.detail.startswith("On loan") and row.action == "Waiting list"
    kiosk.tap(next(w for w in row.walk() if getattr(w, "text", None) == "Waiting list"))
    assert kiosk.screen.name == "waitlist"
    kiosk.tap(kiosk.find("Put me on the waiting list"))
    assert kiosk.screen.name == "member"
    assert [(h["tool_code"], h["position"]) for h in ledger.holds(member_code=other_member)] == [(out["code"], 1)]


def test_a_coordinator_sets_the_pickup_window_and_holds_per_member_within_their_ranges(kiosk, ledger):
    from tests.ui.test_staff import open_settings

    screen = open_settings(kiosk)
    assert (screen.ids.hold_pickup_days.text, screen.ids.max_holds.text) == ("7", "3")
    before, events = ledger.settings, len(ledger.events())
    for widget, text, message in (
            (screen.ids.hold_pickup_days, "0", "Opening days to pick up a hold: please enter a whole number from 1 to 60."),
            (screen.ids.max_holds, "51", "Holds per member: please enter a whole number from 0 to 50.")):
        kept = widget.text
        kiosk.type(widget, text)
        kiosk.tap(kiosk.find("Save"))
        assert message in kiosk.texts()
        assert ledger.settings == before and len(ledger.events()) == events
        kiosk.type(widget, kept)
    kiosk.type(screen.ids.hold_pickup_days, "10")
    kiosk.type(screen.ids.max_holds, "5")
    kiosk.tap(kiosk.find("Save"))
    assert (ledger.settings["hold_pickup_days"], ledger.settings["max_holds"]) == (10, 5)
