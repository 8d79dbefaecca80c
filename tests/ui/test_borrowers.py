"""Borrowers at the counter: checkout, refusals, check-in, renew, idle reset, language."""

from __future__ import annotations

import time

from kiosk.ledger.codes import mint_code


def test_checkout_of_a_basket(kiosk, codes, ledger):
    before = {loan["tool_code"] for loan in ledger.loans(member_code=codes.member)}
    kiosk.scan(codes.member)
    assert kiosk.screen.name == "member"
    kiosk.scan(codes.shelf_tools[0])
    kiosk.scan(codes.shelf_tools[1])
    kiosk.tap(kiosk.find("Borrow 2 tools"))
    assert kiosk.screen.name == "receipt"
    after = {loan["tool_code"] for loan in ledger.loans(member_code=codes.member)}
    assert after - before == set(codes.shelf_tools[:2])
    names = {ledger.tool(code)["name"] for code in codes.shelf_tools[:2]}
    assert names <= set(kiosk.texts())
    assert list((kiosk.app.service.home / "receipts").glob("*.txt"))


def test_greeting_shows_loans_with_overdue_in_red(kiosk, codes, ledger):
    kiosk.scan(codes.member)
    first = ledger.member(codes.member)["name"].split()[0]
    assert f"Hello, {first}!" in kiosk.texts()
    rows = kiosk.screen.ids.loans.children
    assert len(rows) == len(ledger.loans(member_code=codes.member))
    assert any(row.alert and row.detail.startswith("Overdue") for row in rows)


def test_refusal_speaks_plainly_and_nothing_goes_out(kiosk, codes, ledger):
    events = len(ledger.events())
    kiosk.scan(codes.member_expired)
    expires = ledger.member(codes.member_expired)["expires"]
    problem = kiosk.screen.problem
    assert problem.startswith("Your membership ended on ") and problem.endswith("A volunteer can renew it.")
    assert str(int(expires[8:])) in problem
    kiosk.scan(codes.tool)
    confirm = kiosk.find("Borrow 1 tool")
    assert confirm.disabled
    kiosk.tap(confirm)
    assert kiosk.screen.name == "member"
    assert len(ledger.events()) == events
    assert ledger.tool(codes.tool)["status"] == "available"


def test_tool_that_cannot_go_out_shows_its_reason_in_the_basket(kiosk, codes, ledger):
    kiosk.scan(codes.member)
    kiosk.scan(codes.tool_repair)
    name = ledger.tool(codes.tool_repair)["name"]
    row = kiosk.screen.ids.basket.children[0]
    assert row.alert and row.detail == f"{name} is waiting for repair and cannot go out."
    assert kiosk.app.toast.text == row.detail
    assert kiosk.find("Borrow").disabled


def test_feedback_covers_neither_the_greeting_nor_the_buttons(kiosk, codes, ledger):
    kiosk.scan(codes.member)
    kiosk.scan(codes.tool_repair)
    kiosk.pump(2)
    toast = kiosk.app.toast
    assert toast.text and toast.opacity == 1
    first = ledger.member(codes.member)["name"].split()[0]
    for widget in (kiosk.find(f"Hello, {first}!"), kiosk.find("Finish"), kiosk.find("Borrow")):
        _x, y = widget.to_window(*widget.pos)
        assert y >= 0 and y + widget.height <= toast.y + 1, widget.text  # below the banner, inside the window


def test_unknown_code_is_refused_at_home(kiosk, ledger):
    events = len(ledger.events())
    kiosk.scan("NOT-A-CODE-123")
    assert kiosk.screen.name == "home"
    assert "We don't know this code" in kiosk.app.toast.text
    assert len(ledger.events()) == events


def test_available_tool_without_card_says_scan_your_card(kiosk, codes, ledger):
    kiosk.scan(codes.tool)
    assert kiosk.screen.name == "tool"
    assert "Scan your card to borrow this" in kiosk.texts()
    assert f"Shelf {ledger.tool(codes.tool)['shelf']}" in kiosk.texts()
    kiosk.scan(codes.member)  # then the card: the tool is in the basket
    assert kiosk.screen.name == "member" and kiosk.screen.basket == [codes.tool]


def test_checkin_with_condition_and_missing_parts(kiosk, codes, ledger):
    tool = ledger.tool(codes.tool_out_kit)
    kiosk.scan(codes.tool_out_kit)
    assert kiosk.screen.name == "checkin"
    kiosk.tap(kiosk.find("Parts are missing"))
    kiosk.tap(kiosk.find(tool["kit"][0]))
    kiosk.tap(kiosk.find("Record the return"))
    assert kiosk.screen.name == "home"
    loan = ledger.loans(tool_code=codes.tool_out_kit, open_only=False)[-1]
    assert loan["closed_by"] and loan["return_condition"] == "missing-parts"
    assert ledger.tool(codes.tool_out_kit)["status"] == "in_repair"
    returned = [e for e in ledger.events() if e.type == "loan.returned"][-1]
    assert returned.payload["missing_parts"] == [tool["kit"][0]]


def test_checkin_ok(kiosk, codes, ledger):
    kiosk.scan(codes.tool_out_kit)
    kiosk.tap(kiosk.find("It's OK"))
    assert ledger.tool(codes.tool_out_kit)["status"] == "available"
    assert kiosk.app.toast.text == "Returned. Thank you!"


def test_renew(kiosk, ledger):
    today = ledger.today().isoformat()
    loan = next(l for l in ledger.loans() if l["due"] >= today and l["renewals"] == 0 and l["member_code"]
                and not ledger.checkout_refusals(l["member_code"], []))
    kiosk.scan(loan["member_code"])
    row = next(r for r in kiosk.screen.ids.loans.children if r.code == loan["tool_code"])
    kiosk.tap(row.children[0])  # the row's Renew button
    renewed = ledger.loans(tool_code=loan["tool_code"])[0]
    assert renewed["renewals"] == 1 and renewed["due"] > loan["due"]
    assert kiosk.app.toast.text.startswith("Renewed: now due on")


def test_idle_resets_to_home_and_clears_the_session(kiosk, codes, ledger):
    events = len(ledger.events())
    kiosk.scan(codes.member)
    kiosk.scan(codes.tool)
    assert kiosk.screen.basket == [codes.tool]
    kiosk.app.last_activity = time.monotonic() - kiosk.app.service.idle_timeout() - 1
    kiosk.wait(lambda: kiosk.screen.name == "home", timeout=3)
    member_screen = kiosk.app.screens["member"]
    assert member_screen.code == "" and member_screen.basket == []
    assert len(ledger.events()) == events


def test_idle_during_checkin_still_returns_the_tool(kiosk, codes, ledger):
    kiosk.scan(codes.tool_out_kit)
    kiosk.app.last_activity = time.monotonic() - kiosk.app.service.idle_timeout() - 1
    kiosk.wait(lambda: kiosk.screen.name == "home", timeout=3)
    loan = ledger.loans(tool_code=codes.tool_out_kit, open_only=False)[-1]
    assert loan["closed_by"] and loan["return_condition"] == "ok"


def test_language_switch(kiosk, codes, ledger):
    kiosk.tap(kiosk.find("Español"))
    assert "Escanea tu tarjeta o una herramienta" in kiosk.texts()
    kiosk.scan(codes.member_expired)
    first = ledger.member(codes.member_expired)["name"].split()[0]
    assert f"¡Hola, {first}!" in kiosk.texts()
    assert kiosk.screen.problem.startswith("Tu membresía terminó el ")
    kiosk.tap(kiosk.find("Terminar"))
    assert kiosk.screen.name == "home"
    assert "Scan your card or a tool" in kiosk.texts()  # the next person starts in the default language


def test_typed_card_number(kiosk, codes):
    kiosk.type(kiosk.screen.ids.card, codes.member)
    kiosk.tap(kiosk.find("OK"))
    assert kiosk.screen.name == "member" and kiosk.screen.code == codes.member


def test_usb_scanner_typing_into_the_window(kiosk, codes):
    for char in codes.member:
        kiosk.app.scans.on_textinput(char)
    assert kiosk.app.scans.on_enter()
    kiosk.pump(2)
    assert kiosk.screen.name == "member"


def test_a_failing_screen_goes_home_and_leaves_the_ledger_alone(kiosk, codes, ledger, monkeypatch):
    events = len(ledger.events())
    kiosk.scan(codes.member)
    kiosk.scan(codes.tool)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in a screen")
    monkeypatch.setattr(kiosk.app.service, "checkout", broken)
    kiosk.tap(kiosk.find("Borrow 1 tool"))
    assert kiosk.screen.name == "home"
    assert "Something went wrong" in kiosk.app.toast.text
    assert len(ledger.events()) == events
    kiosk.scan(codes.member)  # and the kiosk goes on working
    assert kiosk.screen.name == "member"


def test_fresh_label_at_home_is_refused(kiosk, ledger):
    kiosk.scan(mint_code("demo", "tool", "ZZZZZ", 1))
    assert kiosk.screen.name == "home"
    assert kiosk.app.toast.text.startswith("We don't know this code")


def test_home_says_when_a_closed_library_next_opens(kiosk, ledger):
    from datetime import timedelta

    from kiosk.ledger.rules import WEEKDAYS
    from kiosk.ui.i18n import long_date

    today = ledger.today()
    opens = today + timedelta(days=3)
    day = WEEKDAYS[opens.weekday()]
    ledger.configure(open_weekdays=[day], opening_hours={day: "09:00-12:00"})
    kiosk.app.go_home()
    kiosk.pump(2)
    weekday = opens.strftime("%A")  # the test runs in the C locale: English names
    assert kiosk.screen.hours == f"Closed today. We open again on {weekday} {long_date(opens)}, 09:00–12:00."
    kiosk.tap(kiosk.find("Español"))
    spanish = {"Monday": "lunes", "Tuesday": "martes", "Wednesday": "miércoles", "Thursday": "jueves",
               "Friday": "viernes", "Saturday": "sábado", "Sunday": "domingo"}[weekday]
    assert kiosk.screen.hours == f"Hoy cerrado. Volvemos a abrir el {spanish} {long_date(opens)}, 09:00–12:00."
    assert kiosk.screen.hours in kiosk.texts()
    ledger.configure(open_weekdays=list(WEEKDAYS), closed_dates=[today.isoformat()], opening_hours={})
    kiosk.app.go_home()
    kiosk.pump(2)
    assert kiosk.screen.hours == "Closed today. We open again tomorrow."
