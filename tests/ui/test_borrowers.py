"""Borrowers at the counter: checkout, refusals, check-in, renew, language, help."""

from __future__ import annotations

from datetime import date

from kiosk.ledger import rules
from kiosk.ledger.codes import mint_code
from kiosk.ui import theme

SPANISH_WEEKDAYS = {"Monday": "lunes", "Tuesday": "martes", "Wednesday": "miércoles", "Thursday": "jueves",
                    "Friday": "viernes", "Saturday": "sábado", "Sunday": "domingo"}
SPANISH_MONTHS = {"January": "enero", "February": "febrero", "March": "marzo", "April": "abril", "May": "mayo",
                  "June": "junio", "July": "julio", "August": "agosto", "September": "septiembre",
                  "October": "octubre", "November": "noviembre", "December": "diciembre"}


def day_words(iso: str) -> str:
    """'Wednesday 10 December' (with the year when it is not this year), as the test's C locale names it."""
    day = date.fromisoformat(iso)
    text = f"{day.strftime('%A')} {day.day} {day.strftime('%B')}"
    return text if day.year == date.today().year else f"{text} {day.year}"


def basket_rows(kiosk) -> list:
    """The basket's rows from the top of the screen down."""
    return sorted(kiosk.screen.ids.basket.children, key=lambda row: -row.y)


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


def test_a_member_who_cannot_borrow_sees_why_first_and_nothing_goes_out(kiosk, codes, ledger):
    events = len(ledger.events())
    kiosk.scan(codes.member_expired)
    expires = ledger.member(codes.member_expired)["expires"]
    assert "You cannot borrow today" in kiosk.texts()
    problem = kiosk.screen.problem
    assert problem == f"Your membership ended on {day_words(expires)}. A volunteer can renew it."
    assert problem in kiosk.texts()
    assert kiosk.find("Call a volunteer") and kiosk.find("Need help?")
    kiosk.scan(codes.tool)  # not shown as if it could go: no basket, no due date, no Borrow
    assert kiosk.screen.basket == []
    texts = kiosk.texts()
    assert ledger.tool(codes.tool)["name"] not in texts and not any(t.startswith("Borrow") for t in texts)
    assert kiosk.app.feedback.last == "refused"
    assert len(ledger.events()) == events
    assert ledger.tool(codes.tool)["status"] == "available"


def test_suspension_waiver_and_a_full_limit_each_stop_borrowing_in_plain_words(kiosk, codes, ledger):
    out = len(ledger.loans(member_code=codes.member))
    reasons = [
        (lambda: ledger.configure(loan_limit=out),
         f"You have {out} tools out, the most you may have at once. Bring one back, then you can borrow again."),
        (lambda: ledger.configure(loan_limit=out + 5, waiver_version="2"),
         "You have not signed the current waiver yet. A volunteer can help you sign it."),
        (lambda: (ledger.accept_waiver(codes.member), ledger.edit_member(codes.member, status="suspended")),
         "This membership is suspended. Please speak to a coordinator."),
    ]
    for change, words in reasons:
        change()
        kiosk.scan(codes.member)
        assert kiosk.screen.blocked and kiosk.screen.problem == words, words
        assert words in kiosk.texts()
        kiosk.tap(kiosk.find("Finish"))


def test_past_the_limit_the_last_tool_scanned_waits_on_the_counter(kiosk, codes, ledger):
    out = len(ledger.loans(member_code=codes.member))
    ledger.configure(loan_limit=out + 1)
    kiosk.scan(codes.member)
    first, second = codes.shelf_tools[:2]
    kiosk.scan(first)
    kiosk.scan(second)
    top, below = basket_rows(kiosk)
    assert (top.code, top.mark, top.detail) == (second, "no", f"Over your limit of {out + 1} tools at once: please leave it here.")
    assert (below.code, below.mark) == (first, "yes")
    kiosk.tap(kiosk.find("Borrow 1 tool"))
    assert kiosk.screen.name == "receipt"
    assert {l["tool_code"] for l in ledger.loans(member_code=codes.member)} >= {first}
    assert ledger.tool(second)["status"] == "available"


def test_a_refused_tool_says_why_once_on_its_own_row(kiosk, codes, ledger):
    kiosk.scan(codes.member)
    kiosk.scan(codes.tool)
    kiosk.scan(codes.tool_repair)
    refused, going = basket_rows(kiosk)  # the newest scan on top
    assert refused.code == codes.tool_repair and going.code == codes.tool
    assert refused.alert and refused.detail == "Waiting for repair: it cannot go out."
    assert kiosk.app.toast.text == "" and kiosk.app.feedback.last == "refused"
    texts = kiosk.texts()
    assert sum("repair" in t for t in texts) == 1
    # going out and refused differ in words and sign, not in colour alone
    assert (going.mark, refused.mark) == ("yes", "no")
    assert going.detail.startswith("Due back on ") and not refused.detail.startswith("Due")
    assert kiosk.find("Borrow 1 tool")


def test_copies_of_one_name_are_told_apart_and_kits_are_listed(kiosk, codes, ledger):
    first, second = codes.shelf_tools[:2]
    assert ledger.tool(first)["name"] == ledger.tool(second)["name"]  # two copies of the same tool
    kiosk.scan(codes.member)
    for code in (first, second, codes.tool):
        kiosk.scan(code)
    rows = {row.code: row for row in kiosk.screen.ids.basket.children}
    for code in (first, second):
        tool = ledger.tool(code)
        assert rows[code].subtitle == f"Shelf {tool['shelf']} · label …{code[-5:]}"
    kit = ledger.tool(codes.tool)["kit"]
    assert rows[codes.tool].subtitle.endswith("In the kit: " + ", ".join(kit))
    kiosk.tap(kiosk.find("Borrow 3 tools"))
    receipt = {row.title + row.subtitle for row in kiosk.screen.ids.tools.children}
    assert len(receipt) == 3 and all(rows[code].title + rows[code].subtitle in receipt for code in rows)
    kiosk.tap(kiosk.find("Done"))
    kiosk.scan(codes.member)
    loans = {row.code: row.subtitle for row in kiosk.screen.ids.loans.children}
    assert loans[first] != loans[second] and loans[first] == rows[first].subtitle.split("\n")[0]


def test_feedback_covers_neither_the_greeting_nor_the_buttons(kiosk, codes, ledger):
    kiosk.scan(codes.member)
    kiosk.scan("NOT-A-CODE-123")
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
    tool = ledger.tool(codes.tool)
    texts = kiosk.texts()
    assert "Scan your card to borrow this" in texts
    assert f"Shelf {tool['shelf']} · label …{codes.tool[-5:]}" in texts
    assert "In the kit: " + ", ".join(tool["kit"]) in texts
    kiosk.scan(codes.member)  # then the card: the tool is in the basket
    assert kiosk.screen.name == "member" and kiosk.screen.basket == [codes.tool]


def answer_parts(kiosk, answers: dict[str, str]) -> None:
    for row in kiosk.screen.ids.parts.children:
        if row.part in answers:
            kiosk.tap(next(b for b in row.children if getattr(b, "text", "") == answers[row.part]))


def test_every_kit_part_is_asked_before_the_return_is_recorded(kiosk, codes, ledger):
    events = len(ledger.events())
    kit = ledger.tool(codes.tool_out_kit)["kit"]
    kiosk.scan(codes.tool_out_kit)
    assert kiosk.screen.name == "checkin" and "Is every part here?" in kiosk.texts()
    answer_parts(kiosk, {part: "Here" for part in kit[:-1]})
    waiting = kiosk.find("Next")
    assert waiting.disabled
    kiosk.tap(waiting)  # not every part answered: nothing happens
    assert kiosk.screen.name == "checkin" and len(ledger.events()) == events
    answer_parts(kiosk, {kit[-1]: "Not here"})
    marks = {row.part: row.children[-1].kind for row in kiosk.screen.ids.parts.children}
    assert marks == {**{part: "yes" for part in kit[:-1]}, kit[-1]: "no"}
    record = kiosk.find("Record the return")
    assert list(record.background_color) == list(theme.OK) != list(theme.BAD)  # the main action, not a danger
    kiosk.tap(record)
    assert kiosk.screen.name == "home"
    loan = ledger.loans(tool_code=codes.tool_out_kit, open_only=False)[-1]
    assert loan["closed_by"] and loan["return_condition"] == "missing-parts"
    assert ledger.tool(codes.tool_out_kit)["status"] == "in_repair"
    returned = [e for e in ledger.events() if e.type == "loan.returned"][-1]
    assert returned.payload["missing_parts"] == [kit[-1]]
    assert kiosk.app.toast.text == "Returned. Thank you!" and kiosk.app.feedback.last == "returned"


def test_a_complete_kit_in_good_order_goes_back_on_the_shelf(kiosk, codes, ledger):
    kiosk.scan(codes.tool_out_kit)
    answer_parts(kiosk, {part: "Here" for part in ledger.tool(codes.tool_out_kit)["kit"]})
    kiosk.tap(kiosk.find("Next"))
    assert "How is it?" in kiosk.texts() and "Parts are missing" not in kiosk.texts()  # asked already
    kiosk.tap(kiosk.find("It's OK"))
    assert ledger.tool(codes.tool_out_kit)["status"] == "available"
    assert kiosk.app.toast.text == "Returned. Thank you!"


def test_needs_repair_asks_what_is_wrong_and_opens_a_repair_ticket(kiosk, codes, ledger):
    kiosk.scan(codes.tool_out_kit)
    answer_parts(kiosk, {part: "Here" for part in ledger.tool(codes.tool_out_kit)["kit"]})
    kiosk.tap(kiosk.find("Next"))
    kiosk.tap(kiosk.find("It needs repair"))
    assert "What is wrong with it?" in kiosk.texts()
    record = kiosk.find("Record the return")
    assert record.disabled  # nothing said yet
    kiosk.tap(kiosk.find("It does not work"))
    kiosk.type(kiosk.screen.ids.problem_text, "the lid will not close")
    kiosk.tap(record)
    assert kiosk.screen.name == "home"
    tool = ledger.tool(codes.tool_out_kit)
    assert tool["status"] == "in_repair"
    ticket = ledger.repair_for_tool(codes.tool_out_kit)
    assert (ticket["problem"], ticket["origin"]) == ("It does not work: the lid will not close", "return")


def test_back_steps_through_the_return_questions(kiosk, codes, ledger):
    kiosk.scan(codes.member)
    returning = ledger.loans(member_code=codes.member)[0]["tool_code"]
    kiosk.scan(returning)
    screen = kiosk.screen
    if screen.step == "parts":
        answer_parts(kiosk, {part: "Here" for part in ledger.tool(returning)["kit"]})
        kiosk.tap(kiosk.find("Next"))
    kiosk.tap(kiosk.find("It needs repair"))
    assert screen.step == "repair"
    kiosk.tap(kiosk.find("Back"))
    assert screen.step == "condition" and "How is it?" in kiosk.texts()
    while kiosk.screen is screen:
        kiosk.tap(kiosk.find("Back"))
    assert kiosk.screen.name == "member" and kiosk.screen.code == codes.member  # back to the session
    assert returning not in {l["tool_code"] for l in ledger.loans(member_code=codes.member)}


def test_renew_only_where_the_rules_allow_it(kiosk, codes, ledger):
    ledger.configure(renewal_grace_days=0)
    kiosk.scan(codes.member)
    settings, today = ledger.settings, ledger.today()
    rows = {row.code: row for row in kiosk.screen.ids.loans.children}
    loans = ledger.loans(member_code=codes.member)
    assert set(rows) == {loan["tool_code"] for loan in loans}
    for loan in loans:
        row, refusal = rows[loan["tool_code"]], rules.renewal_refusal(loan, settings, today)
        assert (row.action == "Renew") == (refusal is None)
        if refusal is not None and loan["due"] < today.isoformat():
            assert row.detail == f"Overdue, please bring it back: it was due {day_words(loan['due'])}."
    assert any(row.action == "" for row in rows.values())  # the member has an overdue loan


def test_renew(kiosk, ledger):
    today = ledger.today().isoformat()
    loan = next(l for l in ledger.loans() if l["due"] >= today and l["renewals"] == 0 and l["member_code"]
                and not ledger.checkout_refusals(l["member_code"], []))
    kiosk.scan(loan["member_code"])
    row = next(r for r in kiosk.screen.ids.loans.children if r.code == loan["tool_code"])
    assert row.detail == f"Due on {day_words(loan['due'])}"
    kiosk.tap(row.children[0])  # the row's Renew button
    renewed = ledger.loans(tool_code=loan["tool_code"])[0]
    assert renewed["renewals"] == 1 and renewed["due"] > loan["due"]
    assert kiosk.app.toast.text == f"Renewed: now due on {day_words(renewed['due'])}"


def test_due_dates_carry_their_weekday_and_the_spanish_receipt_says_a_mas_tardar(kiosk, codes, ledger):
    kiosk.tap(kiosk.find("Español"))
    kiosk.scan(codes.member)
    kiosk.scan(codes.shelf_tools[0])
    row = kiosk.screen.ids.basket.children[0]
    kiosk.tap(kiosk.find("Llevarme 1 herramienta"))
    due = ledger.loans(tool_code=codes.shelf_tools[0])[0]["due"]
    weekday, day, month, *year = day_words(due).split()
    spanish = f"{SPANISH_WEEKDAYS[weekday]} {day} de {SPANISH_MONTHS[month]}" + (f" de {year[0]}" if year else "")
    assert row.detail == f"Devolver el {spanish}"
    assert f"Devuélvela a más tardar el {spanish}" in kiosk.texts()
    receipt = sorted((kiosk.app.service.home / "receipts").glob("*.txt"))[-1].read_text(encoding="utf-8")
    assert f"Devuélvela a más tardar el {spanish}" in receipt


def test_language_switch(kiosk, codes, ledger):
    kiosk.tap(kiosk.find("Español"))
    assert "¿Te llevas algo? Escanea tu tarjeta." in kiosk.texts()
    kiosk.scan(codes.member_expired)
    first = ledger.member(codes.member_expired)["name"].split()[0]
    assert f"¡Hola, {first}!" in kiosk.texts()
    assert kiosk.screen.problem.startswith("Tu membresía terminó el ")
    kiosk.tap(kiosk.find("Terminar"))
    assert kiosk.screen.name == "home"
    assert "Borrowing? Scan your card." in kiosk.texts()  # the next person starts in the default language


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


def test_home_says_both_flows_and_where_to_hold_a_code(kiosk):
    texts = kiosk.texts()
    assert {"Borrowing? Scan your card.", "Returning? Just scan the tool.",
            "Hold the barcode up to the camera: its picture is on the right."} <= set(texts)
    kiosk.app.service.set_local({"scan_where": "Camera: above the screen. Hand scanner: on its right."})
    kiosk.app.go_home()
    kiosk.pump(2)
    assert "Camera: above the screen. Hand scanner: on its right." in kiosk.texts()


def test_need_help_on_every_borrower_screen_calls_the_hook(kiosk, codes, tmp_path):
    calls = tmp_path / "calls"
    kiosk.app.service.set_local({"help_command": f'echo "$TOOLKIOSK_SCREEN" >> {calls}',
                                 "help_where": "The volunteers wear green aprons, by the bike racks."})
    visits = [("home", lambda: None), ("tool", lambda: kiosk.scan(codes.tool)),
              ("member", lambda: (kiosk.tap(kiosk.find("Home")), kiosk.scan(codes.member))),
              ("receipt", lambda: (kiosk.scan(codes.shelf_tools[0]), kiosk.tap(kiosk.find("Borrow 1 tool")))),
              ("checkin", lambda: (kiosk.tap(kiosk.find("Done")), kiosk.scan(codes.tool_out_kit)))]
    for name, go in visits:
        go()
        assert kiosk.screen.name == name
        kiosk.tap(kiosk.find("Need help?"))
        assert "The volunteers wear green aprons, by the bike racks.\nWe are letting a volunteer know." in kiosk.texts()
        assert kiosk.app.feedback.last == "help"
        kiosk.tap(kiosk.find("Close"))
    kiosk.wait(lambda: calls.exists() and len(calls.read_text().split()) == len(visits), timeout=20)
    assert calls.read_text().split() == [name for name, _go in visits]


def test_the_help_hook_runs_without_holding_up_the_screen(kiosk, tmp_path):
    go, done = tmp_path / "go", tmp_path / "done"
    kiosk.app.service.set_local({"help_command": f"while [ ! -e {go} ]; do sleep 0.05; done; touch {done}"})
    kiosk.tap(kiosk.find("Need help?"))
    assert "Please ask at the front desk: a volunteer will help you.\nWe are letting a volunteer know." in kiosk.texts()
    assert not done.exists()  # the hook is still waiting, and the screen answered all the same
    kiosk.tap(kiosk.find("Close"))
    assert kiosk.screen.name == "home"
    go.touch()
    kiosk.wait(done.exists, timeout=20)


def test_a_standalone_kiosk_shows_borrowers_no_sync_state(kiosk):
    assert not any(t.startswith(("Offline", "Online")) for t in kiosk.texts())


def test_where_sync_is_set_up_home_tells_it_quietly(kiosk):
    from sync.client import SyncStatus

    app = kiosk.app
    try:
        app.show_sync_status(SyncStatus(enrolled=True, online=False, last_sync=None, waiting=3,
                                      server="http://127.0.0.1:9", error="connection refused"))
        kiosk.pump(2)
        label = kiosk.find("Offline · 3 waiting")
        assert list(label.color) == list(theme.MUTED)  # words, not an alarm colour
    finally:
        app.sync_status, app.sync_shown, app.sync_ok = None, False, False
        app.sync_text = "Offline · not connected"


def test_a_member_who_asked_for_spanish_is_greeted_in_spanish(kiosk, codes, ledger):
    ledger.edit_member(codes.member, language="es")
    kiosk.scan(codes.member)
    first = ledger.member(codes.member)["name"].split()[0]
    assert f"¡Hola, {first}!" in kiosk.texts()
    kiosk.tap(kiosk.find("Terminar"))
    assert "Borrowing? Scan your card." in kiosk.texts()  # the next person starts in the kiosk's language


def test_a_language_chosen_at_the_counter_wins_over_the_members(kiosk, codes, ledger):
    ledger.edit_member(codes.member, language="en")
    kiosk.tap(kiosk.find("Español"))
    kiosk.scan(codes.member)
    first = ledger.member(codes.member)["name"].split()[0]
    assert f"¡Hola, {first}!" in kiosk.texts()
