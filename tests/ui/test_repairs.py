"""The volunteers' repairs on the kiosk: the list of open tickets, a ticket opened from a scan,
worked on and closed; every text fits in English and Spanish."""

from __future__ import annotations

from kiosk.ui.screenshots import render


def _to_repairs(kiosk) -> None:
    kiosk.app.role = "volunteer"
    kiosk.app.go("volunteer")
    kiosk.pump(3)
    kiosk.tap(kiosk.find("Repairs"))
    assert kiosk.screen.name == "repairs"


def test_a_volunteer_opens_a_ticket_by_scanning_a_tool_and_closes_it_as_fixed(kiosk, codes, ledger):
    tool = codes.shelf_tools[0]
    _to_repairs(kiosk)
    before = {r.code for r in kiosk.screen.ids.rows.children}
    kiosk.scan(tool)
    assert kiosk.screen.name == "repair" and "No repair is open for this tool. What is wrong with it?" in kiosk.texts()
    kiosk.tap(kiosk.find("Open a repair"))
    assert kiosk.screen.name == "repair" and kiosk.app.toast.text == "Say what is wrong with it first."
    kiosk.type(kiosk.screen.ids.problem, "Trigger sticks")
    kiosk.tap(kiosk.find("Open a repair"))
    assert kiosk.screen.name == "repairs"
    assert kiosk.app.toast.text == "Repair opened. The tool stays out of service until it is fixed."
    ticket = ledger.repair_for_tool(tool)
    assert ticket["problem"] == "Trigger sticks" and ledger.tool(tool)["status"] == "in_repair"
    rows = {r.code: r for r in kiosk.screen.ids.rows.children}
    assert set(rows) - before == {ticket["id"]} and rows[ticket["id"]].detail.startswith("Trigger sticks")

    kiosk.pump(2)
    kiosk.tap(next(w for w in rows[ticket["id"]].walk() if getattr(w, "text", None) == "See it"))
    assert kiosk.screen.name == "repair" and "Trigger sticks" in kiosk.screen.details
    kiosk.type(kiosk.screen.ids.cost, "abc")      # the field filters letters out, as a person types
    kiosk.type(kiosk.screen.ids.cost, "99999999")
    kiosk.tap(kiosk.find("Save"))
    assert kiosk.app.toast.text.startswith("The cost is a number from 0 to")
    assert ledger.repair(ticket["id"])["cost"] is None          # nothing written
    kiosk.type(kiosk.screen.ids.cost, "7.5")
    kiosk.type(kiosk.screen.ids.assignee, "Sam")
    kiosk.type(kiosk.screen.ids.note, "New switch fitted")
    kiosk.tap(kiosk.find("Fixed: back in service"))
    closed = ledger.repair(ticket["id"])
    assert (closed["status"], closed["cost"], closed["assignee"]) == ("fixed", 7.5, "Sam")
    assert closed["notes"][0]["text"] == "New switch fitted"
    assert ledger.tool(tool)["status"] == "available"
    assert kiosk.screen.name == "repairs" and ticket["id"] not in {r.code for r in kiosk.screen.ids.rows.children}


def test_scanning_a_tool_with_an_open_ticket_opens_that_ticket(kiosk, codes, ledger):
    ticket = ledger.open_repair(codes.shelf_tools[1], "Handle cracked")
    _to_repairs(kiosk)
    kiosk.scan(codes.shelf_tools[1])
    assert kiosk.screen.name == "repair" and kiosk.screen.repair_id == ticket["id"]
    kiosk.tap(kiosk.find("Cannot be fixed: retire it"))
    assert ledger.tool(codes.shelf_tools[1])["status"] == "retired"


def test_a_return_marked_parts_missing_opens_a_ticket(kiosk, codes, ledger):
    from tests.ui.test_borrowers import answer_parts

    kit = ledger.tool(codes.tool_out_kit)["kit"]
    kiosk.scan(codes.tool_out_kit)
    answer_parts(kiosk, {**{part: "Here" for part in kit[:-1]}, kit[-1]: "Not here"})
    kiosk.tap(kiosk.find("Record the return"))
    ticket = ledger.repair_for_tool(codes.tool_out_kit)
    assert ticket["origin"] == "return" and ticket["missing_parts"] == [kit[-1]]
    kiosk.app.role = "volunteer"
    kiosk.app.go("repair", repair_id=ticket["id"])
    assert f"returned by {ticket['returned_by']}" in kiosk.screen.details and ticket["returned_by"]


def test_the_repair_screens_fit_in_english_and_spanish(kiosk):
    assert render(None, only={"volunteer", "repairs", "repair", "repair-new", "member-register", "member-renew"},
                  driver=kiosk) == []


def test_a_volunteer_records_a_members_area_and_too_long_a_one_is_refused(kiosk, ledger):
    from tests.ui.test_staff import sign_in

    sign_in(kiosk, "volunteer", "1234")
    kiosk.tap(kiosk.find("Register a member"))
    form = kiosk.screen
    kiosk.type(form.ids.name, "Lucía Pérez")
    kiosk.type(form.ids.area, "x" * 41)
    kiosk.tap(kiosk.find("I have read the waiver and accept it"))
    kiosk.tap(kiosk.find("Register"))
    assert "at most 40 characters" in kiosk.app.toast.text
    assert not any(m["name"] == "Lucía Pérez" for m in ledger.list_members())
    kiosk.type(form.ids.area, "Riverside 02139")
    kiosk.tap(kiosk.find("Register"))
    member = next(m for m in ledger.list_members() if m["name"] == "Lucía Pérez")
    assert member["area"] == "Riverside 02139"
