"""No tool leaves unrecorded: leaving a member's session with tools scanned but not borrowed
(Finish, Home, another card, idling) asks or counts down first; a new session starts clean."""

from __future__ import annotations


def basket_of(kiosk, codes, count: int) -> list[str]:
    kiosk.scan(codes.member)
    for code in codes.shelf_tools[:count]:
        kiosk.scan(code)
    assert kiosk.screen.basket == codes.shelf_tools[:count]
    return codes.shelf_tools[:count]


def open_loans(ledger, member: str) -> set[str]:
    return {loan["tool_code"] for loan in ledger.loans(member_code=member)}


def test_finish_asks_and_borrow_them_records_the_loans(kiosk, codes, ledger):
    tools = basket_of(kiosk, codes, 2)
    kiosk.tap(kiosk.find("Finish"))
    assert kiosk.screen.name == "member"
    assert "2 tools are not borrowed yet." in kiosk.texts()
    kiosk.tap(kiosk.find("Borrow them"))
    assert kiosk.screen.name == "receipt"
    assert set(tools) <= open_loans(ledger, codes.member)
    kiosk.tap(kiosk.find("Done"))
    assert kiosk.screen.name == "home"


def test_put_them_back_records_nothing(kiosk, codes, ledger):
    events = len(ledger.events())
    tools = basket_of(kiosk, codes, 2)
    kiosk.tap(kiosk.find("Finish"))
    kiosk.tap(kiosk.find("Put them back"))
    assert kiosk.screen.name == "home"
    assert len(ledger.events()) == events
    assert all(ledger.tool(code)["status"] == "available" for code in tools)


def test_nothing_to_ask_when_nothing_could_go(kiosk, codes):
    kiosk.scan(codes.member)
    kiosk.scan(codes.tool_repair)  # refused: it was never going out
    kiosk.tap(kiosk.find("Finish"))
    assert kiosk.screen.name == "home"


def test_another_card_asks_for_the_first_member_then_starts_the_next_session(kiosk, codes, ledger):
    other = next(m["code"] for m in ledger.list_members()
                 if m["code"] != codes.member and not ledger.checkout_refusals(m["code"], []))
    [tool] = basket_of(kiosk, codes, 1)
    kiosk.scan(other)
    assert kiosk.screen.name == "member" and kiosk.screen.code == codes.member
    assert "1 tool is not borrowed yet." in kiosk.texts()
    kiosk.tap(kiosk.find("Borrow it"))
    assert kiosk.screen.name == "receipt"
    assert tool in open_loans(ledger, codes.member)
    kiosk.tap(kiosk.find("Done"))
    assert kiosk.screen.name == "member" and kiosk.screen.code == other and kiosk.screen.basket == []


def test_home_during_a_return_in_a_session_asks_about_the_basket(kiosk, codes, ledger):
    returning = ledger.loans(member_code=codes.member)[0]["tool_code"]
    [tool] = basket_of(kiosk, codes, 1)
    kiosk.scan(returning)
    assert kiosk.screen.name == "checkin"
    kiosk.tap(kiosk.find("Home"))
    assert kiosk.screen.name == "member"
    kiosk.tap(kiosk.find("Put it back"))
    assert kiosk.screen.name == "home"
    assert returning not in open_loans(ledger, codes.member)  # the tool on the counter is back all the same
    assert tool not in open_loans(ledger, codes.member)


def idle_for(kiosk, seconds: float) -> None:
    """Idle time passes on the app's idle clock (which stands still in tests), then its tick runs."""
    kiosk.app.last_activity = kiosk.app.clock() - seconds
    kiosk.app.idle_tick()
    kiosk.pump(2)


def test_idle_counts_down_before_dropping_the_basket(kiosk, codes, ledger):
    events = len(ledger.events())
    [tool] = basket_of(kiosk, codes, 1)
    timeout, warning = kiosk.app.service.idle_timeout(), kiosk.app.service.idle_warning()
    idle_for(kiosk, timeout - 1)
    assert "Still there?" not in kiosk.texts()
    idle_for(kiosk, timeout + 1)
    assert "Still there?" in kiosk.texts()
    assert (f"Going back to the start in {int(warning) - 1} s.\n1 tool is not borrowed yet: it will be put back."
            in kiosk.texts())
    assert kiosk.screen.name == "member" and kiosk.screen.basket == [tool]
    kiosk.tap(kiosk.find("I'm still here"))
    assert "Still there?" not in kiosk.texts()
    assert kiosk.screen.name == "member" and kiosk.screen.basket == [tool]
    idle_for(kiosk, timeout + warning + 1)
    assert kiosk.screen.name == "home"
    assert kiosk.app.screens["member"].basket == []
    assert len(ledger.events()) == events


def test_a_touch_anywhere_answers_still_there(kiosk, codes):
    kiosk.scan(codes.tool)
    idle_for(kiosk, kiosk.app.service.idle_timeout() + 1)
    kiosk.tap(kiosk.find("Still there?"))
    assert "Still there?" not in kiosk.texts()
    assert kiosk.screen.name == "tool"


def test_idle_during_checkin_still_returns_the_tool(kiosk, codes, ledger):
    kiosk.scan(codes.tool_out_kit)
    idle_for(kiosk, kiosk.app.service.idle_timeout() + kiosk.app.service.idle_warning() + 1)
    assert kiosk.screen.name == "home"
    loan = ledger.loans(tool_code=codes.tool_out_kit, open_only=False)[-1]
    assert loan["closed_by"] and loan["return_condition"] == "ok"


def test_a_new_session_starts_without_the_last_banner(kiosk, codes):
    kiosk.scan("NOT-A-CODE-123")
    assert kiosk.app.toast.text.startswith("We don't know this code")
    kiosk.scan(codes.member)
    assert kiosk.screen.name == "member" and kiosk.app.toast.text == ""
    kiosk.scan("NOT-A-CODE-123")
    assert kiosk.app.toast.text
    kiosk.tap(kiosk.find("Finish"))
    assert kiosk.screen.name == "home" and kiosk.app.toast.text == ""
