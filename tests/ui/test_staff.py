"""Volunteers and coordinators: PINs, adding tools with a photo, members, inventory, overdue, conflicts, settings."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import cv2

from kiosk.ledger.codes import mint_code
from sync import protocol


def sign_in(kiosk, role: str, pin: str) -> None:
    kiosk.tap(kiosk.find("Staff"))
    kiosk.tap(kiosk.find(role.capitalize()))
    for digit in pin:
        kiosk.tap(kiosk.find(digit))
    kiosk.tap(kiosk.find("Enter"))


def test_wrong_pin_keeps_staff_screens_closed(kiosk):
    sign_in(kiosk, "volunteer", "0000")
    assert kiosk.screen.name == "pin"
    assert "That PIN is not right. Try again." in kiosk.texts()
    kiosk.app.go("coordinator")
    assert kiosk.screen.name == "home"


def test_add_a_tool_with_its_photo_from_a_file_backed_camera(kiosk, ledger, photo_file):
    from kiosk.ui.scanning import start_camera

    scans = kiosk.app.scans
    scans.use_camera(start_camera(str(photo_file), scans))  # the scanner's own image-file camera
    kiosk.wait(lambda: scans.frame() is not None)
    sign_in(kiosk, "volunteer", "1234")
    assert kiosk.screen.name == "volunteer"
    label = mint_code("demo", "tool", "ZZZZZ", 1)
    kiosk.scan(label)  # a fresh label: the form opens with it
    form = kiosk.screen
    assert form.name == "tool_form" and form.code == label
    kiosk.scan("0012345678905")  # the maker's UPC
    kiosk.type(form.ids.name, "Tile saw")
    kiosk.type(form.ids.brand, "Rubi")
    kiosk.type(form.ids.kit, "blade, fence")
    kiosk.tap(kiosk.find("Choose a category"))
    kiosk.tap(kiosk.find("Saws"))
    kiosk.tap(kiosk.find("Fair"))
    kiosk.type(form.ids.loan_days, "5000000")
    kiosk.tap(kiosk.find("Save and print label"))
    assert kiosk.app.toast.text == "Loan days: please enter a whole number from 1 to 365."
    assert ledger.find_tool(label) is None and kiosk.screen is form
    kiosk.type(form.ids.loan_days, "")
    kiosk.tap(kiosk.find("Take photo"))
    kiosk.tap(kiosk.find("Save and print label"))
    assert kiosk.app.toast.text == "Saved: Tile saw. Label saved; no printer is set up."
    kiosk.tap(kiosk.find("Done"))
    assert kiosk.screen.name == "volunteer"
    tool = ledger.tool(label)
    assert (tool["name"], tool["brand"], tool["category"], tool["condition"], tool["kit"], tool["maker_code"]) == (
        "Tile saw", "Rubi", "Power tools > Saws", "fair", ["blade", "fence"], "0012345678905")
    photo = cv2.imread(str(kiosk.app.service.home / tool["photo"]), cv2.IMREAD_GRAYSCALE)
    assert photo.shape == cv2.imread(str(photo_file), cv2.IMREAD_GRAYSCALE).shape
    # named by its content, as sync needs to carry it to the other kiosks
    assert protocol.photo_hash(tool["photo"]) == hashlib.sha256(
        (kiosk.app.service.home / tool["photo"]).read_bytes()).hexdigest()
    assert (kiosk.app.service.home / "labels" / f"{label}.png").exists()


def test_maker_code_known_to_the_catalog_prefills_the_form(kiosk, ledger):
    known = ledger.list_tools(status="available")[0]
    ledger.edit_tool(known["code"], maker_code="4006381333931")
    sign_in(kiosk, "volunteer", "1234")
    kiosk.tap(kiosk.find("Add a tool"))
    kiosk.scan("4006381333931")
    form = kiosk.screen
    assert (form.ids.name.text, form.ids.brand.text, form.ids.model.text) == (known["name"], known["brand"], known["model"])
    assert form.category == known["category"]


def test_mark_a_tool_in_repair_and_back_in_service(kiosk, ledger, codes):
    sign_in(kiosk, "volunteer", "1234")
    kiosk.scan(codes.tool)
    assert kiosk.screen.name == "tool_form"
    kiosk.tap(kiosk.find("In repair"))
    assert ledger.tool(codes.tool)["status"] == "in_repair"
    kiosk.tap(kiosk.find("Back in service"))
    assert ledger.tool(codes.tool)["status"] == "available"


def test_register_a_member_with_a_fresh_card(kiosk, ledger):
    sign_in(kiosk, "volunteer", "1234")
    card = mint_code("demo", "member", "ZZZZZ", 1)
    kiosk.scan(card)
    form = kiosk.screen
    assert form.name == "member_form" and form.card == card
    kiosk.type(form.ids.name, "Nadia Farouk")
    kiosk.type(form.ids.email, "nadia@example.org")
    kiosk.tap(kiosk.find("Register"))
    assert kiosk.app.toast.text == "The member must read and accept the waiver first."
    assert ledger.find_member(card) is None
    kiosk.tap(kiosk.find("I have read the waiver and accept it"))
    kiosk.tap(kiosk.find("Register"))
    member = ledger.member(card)
    assert (member["name"], member["email"]) == ("Nadia Farouk", "nadia@example.org")
    assert member["waiver_version"] == ledger.settings["waiver_version"]
    assert member["expires"] >= (ledger.today() + timedelta(days=360)).isoformat()
    assert not ledger.checkout_refusals(card, [])


def test_register_without_a_card_shows_its_number_and_prints_it(kiosk, ledger):
    sign_in(kiosk, "volunteer", "1234")
    kiosk.tap(kiosk.find("Register a member"))
    kiosk.type(kiosk.screen.ids.name, "Omar Diallo")
    kiosk.tap(kiosk.find("I have read the waiver and accept it"))
    kiosk.tap(kiosk.find("Register"))
    member = next(m for m in ledger.list_members() if m["name"] == "Omar Diallo")
    assert kiosk.find(member["code"]) and "Welcome, Omar Diallo!" in kiosk.texts()  # the new card's number
    label = kiosk.app.service.home / "labels" / f"{member['code']}.png"
    assert not label.exists()
    kiosk.tap(kiosk.find("Print the card"))
    assert label.exists() and kiosk.app.toast.text == "Card saved; no printer is set up."
    kiosk.tap(kiosk.find("Done"))
    assert kiosk.screen.name == "volunteer"


def test_renew_a_membership(kiosk, ledger, codes):
    sign_in(kiosk, "volunteer", "1234")
    kiosk.scan(codes.member_expired)
    assert kiosk.screen.name == "member_form"
    kiosk.tap(kiosk.find("Renew for one year"))
    member = ledger.member(codes.member_expired)
    assert date.fromisoformat(member["expires"]) > ledger.today() + timedelta(days=360)
    assert not ledger.checkout_refusals(codes.member_expired, [])


def test_inventory_shows_what_was_not_scanned(kiosk, ledger):
    on_shelf = [t["code"] for t in ledger.list_tools(status="available")]
    sign_in(kiosk, "volunteer", "1234")
    kiosk.tap(kiosk.find("Inventory check"))
    for code in on_shelf[:-2]:
        kiosk.app.on_scan(code)
    kiosk.pump()
    kiosk.tap(kiosk.find("Show what was not scanned"))
    missing = kiosk.screen.ids.tools.children
    assert sorted(row.detail.rsplit(" · ", 1)[1] for row in missing) == sorted(on_shelf[-2:])


def test_overdue_list_sorted(kiosk, ledger):
    sign_in(kiosk, "coordinator", "4321")
    assert kiosk.screen.name == "coordinator"
    kiosk.tap(kiosk.find(f"Overdue ({len(ledger.overdue())})"))
    rows = kiosk.screen.ids.rows.children[::-1]
    overdue = ledger.overdue()
    assert len(rows) == len(overdue)
    days = [int(r.detail.split(" · ")[1].split()[0]) for r in rows]
    assert days == sorted(days, reverse=True)
    kiosk.tap(kiosk.find("By name"))
    names = [r.title for r in kiosk.screen.ids.rows.children[::-1]]
    assert names == sorted(names, key=str.lower)


def test_settle_a_conflict(kiosk, ledger):
    conflict = ledger.conflicts()[0]
    sign_in(kiosk, "coordinator", "4321")
    kiosk.tap(kiosk.find("Conflicts to settle (1)"))
    keep = conflict["loans"][1]
    kiosk.tap(kiosk.find(f"{keep['member_name'].split()[0]} has it"))
    assert ledger.conflicts() == []
    resolved = ledger.conflicts(include_resolved=True)[0]
    assert resolved["resolution"] == f"kept:{keep['id']}"
    assert any(e.type == "conflict.resolved" for e in ledger.events())
    assert "No conflicts to settle." in kiosk.texts()


def test_settings_change_hours_limits_pins_and_idle(kiosk, ledger):
    sign_in(kiosk, "coordinator", "4321")
    kiosk.tap(kiosk.find("Settings"))
    screen = kiosk.screen
    screen.rows["sun"].is_open = True
    screen.rows["sun"].hours = "12:00-16:00"
    screen.rows["mon"].is_open = False
    kiosk.type(screen.ids.loan_limit, "3")
    kiosk.type(screen.ids.idle_timeout, "90")
    kiosk.type(screen.ids.pin_volunteer, "2468")
    screen.language = "es"
    kiosk.tap(kiosk.find("Save"))
    settings = ledger.settings
    assert "sun" in settings["open_weekdays"] and "mon" not in settings["open_weekdays"]
    assert settings["opening_hours"]["sun"] == "12:00-16:00" and settings["loan_limit"] == 3
    service = kiosk.app.service
    assert service.idle_timeout() == 90 and service.local("language") == "es"
    assert service.check_pin("volunteer", "2468") and not service.check_pin("volunteer", "1234")


def open_settings(kiosk):
    sign_in(kiosk, "coordinator", "4321")
    kiosk.tap(kiosk.find("Settings"))
    assert kiosk.screen.name == "settings"
    return kiosk.screen


def category_input(screen, category: str):
    from kiosk.ui.widgets import KTextInput

    row = next(r for r in screen.ids.categories.children if r.category == category)
    return next(w for w in row.walk(restrict=True) if isinstance(w, KTextInput))


def test_settings_loan_periods_by_category_closed_dates_and_waiver(kiosk, ledger, codes):
    assert not ledger.checkout_refusals(codes.member, [])
    screen = open_settings(kiosk)
    assert {row.category for row in screen.ids.categories.children} == set(ledger.categories())
    kiosk.type(category_input(screen, "Ladders"), "2")
    kiosk.type(category_input(screen, "Camping"), "")
    kiosk.type(category_input(screen, "Power tools > Saws"), "10")
    kiosk.type(screen.ids.closed_dates, "2026-12-25, 2026-12-24\n2027-01-01")
    kiosk.type(screen.ids.waiver_text, "I borrow at my own risk and bring tools back clean.")
    kiosk.tap(kiosk.find("Every member accepts it again"))
    kiosk.tap(kiosk.find("Save"))
    assert kiosk.screen.name == "coordinator"
    settings = ledger.settings
    assert settings["category_loan_days"] == {"Power tools": 7, "Garden": 14, "Ladders": 2, "Power tools > Saws": 10}
    assert settings["closed_dates"] == ["2026-12-24", "2026-12-25", "2027-01-01"]
    assert settings["waiver_text"] == "I borrow at my own risk and bring tools back clean."
    assert settings["waiver_version"] == "2"
    assert [r.reason for r in ledger.checkout_refusals(codes.member, [])] == ["waiver_missing"]


def test_settings_refuse_bad_input_and_change_nothing(kiosk, ledger):
    before, events = ledger.settings, len(ledger.events())
    screen = open_settings(kiosk)
    bad = [
        (screen.ids.closed_dates, "2026-12-25, Christmas", "Closed dates: “Christmas” is not a date. Write dates like 2026-12-25."),
        (screen.ids.loan_limit, "-3", "Tools at once: please enter a whole number from 1 to 1000."),
        (screen.ids.default_loan_days, "5000000", "Loan period (days): please enter a whole number from 1 to 365."),
        (screen.ids.max_renewals, "²", "Renewals allowed: please enter a whole number from 0 to 50."),
        (category_input(screen, "Ladders"), "-1", "Ladders: please enter a whole number from 1 to 365."),
        (category_input(screen, "Ladders"), "abc", "Ladders: please enter a whole number from 1 to 365."),
        (category_input(screen, "Ladders"), "9" * 5000, "Ladders: please enter a whole number from 1 to 365."),
        (screen.ids.idle_timeout, "abc", "Back to home after (seconds): please enter a whole number, 10 or more."),
    ]
    for widget, text, message in bad:
        kept = widget.text
        kiosk.type(widget, text)
        kiosk.tap(kiosk.find("Save"))
        assert kiosk.screen.name == "settings"
        assert message in kiosk.texts()
        assert ledger.settings == before and len(ledger.events()) == events
        kiosk.type(widget, kept)
    screen.rows["mon"].hours = "ten to six"
    kiosk.tap(kiosk.find("Save"))
    assert "Monday: write the hours like 10:00-18:00." in kiosk.texts()
    assert ledger.settings == before and kiosk.app.service.idle_timeout() == 60


def test_type_a_name_on_the_on_screen_keyboard(kiosk, ledger):
    from kiosk.ui.keyboard import shown_keyboard, use
    from kiosk.ui.widgets import KTextInput

    use("on")
    try:
        sign_in(kiosk, "volunteer", "1234")
        kiosk.tap(kiosk.find("Register a member"))
        field = kiosk.screen.ids.name.ids.input
        kiosk.tap(field)
        kiosk.pump(3)
        keys = shown_keyboard()
        assert keys is not None and keys.docked and keys.target == field
        assert keys.to_parent(0, keys.height)[1] <= field.to_window(*field.pos)[1]  # the field shows above the keys
        kiosk.press_keys("Ana Ruiz\n")  # Enter: done typing, the keyboard goes
        kiosk.pump(2)
        assert shown_keyboard() is None and kiosk.app.keyboard_dock.content.y == 0  # the screen is back down
        kiosk.tap(kiosk.find("I have read the waiver and accept it"))
        kiosk.tap(kiosk.find("Register"))
        kiosk.tap(kiosk.find("Done"))
        kiosk.tap(kiosk.find(cls=KTextInput))  # the volunteer screen's look-up field
        kiosk.pump(3)
        assert shown_keyboard() is not None
        kiosk.app.go_home()  # as after idling: the keyboard goes with the screen
        kiosk.pump(3)
        assert shown_keyboard() is None and kiosk.app.keyboard_dock.content.y == 0
    finally:
        use("off")
    assert "Ana Ruiz" in {m["name"] for m in ledger.list_members()}


def test_typing_in_a_lower_field_keeps_it_above_the_keyboard(kiosk, ledger):
    from kivy.core.window import Window

    from kiosk.ui.keyboard import shown_keyboard, use

    use("on")
    try:
        sign_in(kiosk, "volunteer", "1234")
        kiosk.tap(kiosk.find("Register a member"))
        field = kiosk.screen.ids.email.ids.input
        field.focus = True
        kiosk.pump(4)
        keys = shown_keyboard()
        assert keys is not None and keys.target == field
        bottom = field.to_window(*field.pos)[1]
        assert keys.to_parent(0, keys.height)[1] <= bottom and bottom + field.height <= Window.height
        kiosk.press_keys("ana@example.org")
        assert field.text == "ana@example.org"
    finally:
        use("off")
