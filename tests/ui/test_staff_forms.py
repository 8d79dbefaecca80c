"""Volunteers' forms tell the truth about printing, show a new card's number, correct a member's
contact details on renewal, and add copies of a tool."""

from __future__ import annotations

import stat
from datetime import date, timedelta

from tests.ui.test_staff import sign_in


def printer(tmp_path, body: str) -> str:
    """A printer command: a script run with the file to print."""
    script = tmp_path / "print.sh"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def add_tool(kiosk, name: str, *, button: str = "Save") -> None:
    sign_in(kiosk, "volunteer", "1234")
    kiosk.tap(kiosk.find("Add a tool"))
    form = kiosk.screen
    kiosk.type(form.ids.name, name)
    kiosk.type(form.ids.brand, "Rubi")
    kiosk.type(form.ids.shelf, "C3")
    kiosk.type(form.ids.kit, "blade, fence")
    kiosk.tap(kiosk.find(button))


def test_a_label_printer_that_fails_says_why(kiosk, ledger, tmp_path):
    kiosk.app.service.set_local({"label_command": printer(tmp_path, 'echo "lp: printer Labels is out of paper" >&2; exit 1')})
    add_tool(kiosk, "Tile saw", button="Save and print label")
    kiosk.wait(lambda: "did not print" in kiosk.app.toast.text, timeout=30)
    assert kiosk.app.toast.text == "The label did not print: lp: printer Labels is out of paper"


def test_a_label_printer_that_works_gets_the_label(kiosk, ledger, tmp_path):
    printed = tmp_path / "printed"
    printed.mkdir()
    kiosk.app.service.set_local({"label_command": printer(tmp_path, f'cp "$1" {printed}/')})
    add_tool(kiosk, "Tile saw")
    code = kiosk.screen.saved["code"]
    assert f"Label: {code}" in kiosk.screen.saved_text
    kiosk.tap(kiosk.find("Print the label"))
    kiosk.wait(lambda: kiosk.app.toast.text == "The label went to the printer.", timeout=30)
    assert (printed / f"{code}.png").exists()


def test_a_missing_printer_command_is_named(kiosk, ledger):
    kiosk.app.service.set_local({"label_command": "no-such-printer-command -d labels"})
    add_tool(kiosk, "Tile saw", button="Save and print label")
    kiosk.wait(lambda: "did not print" in kiosk.app.toast.text, timeout=30)
    assert kiosk.app.toast.text == "The label did not print: No such file or directory: no-such-printer-command"


def test_add_another_copy_keeps_the_fields_with_a_label_of_its_own(kiosk, ledger):
    add_tool(kiosk, "Tile saw")
    form = kiosk.screen
    first = form.saved
    assert form.name == "tool_form" and kiosk.app.toast.text == "Saved: Tile saw"
    kiosk.tap(kiosk.find("Add another copy"))
    assert (form.ids.name.text, form.ids.brand.text, form.ids.shelf.text, form.ids.kit.text) == (
        "Tile saw", "Rubi", "C3", "blade, fence")
    assert form.code == "" and "A new label will be made when you save." in kiosk.texts()
    kiosk.tap(kiosk.find("Save"))
    second = form.saved
    assert second["code"] != first["code"]
    copies = [t for t in ledger.list_tools() if t["name"] == "Tile saw"]
    assert len(copies) == 2
    assert {(t["brand"], t["shelf"], tuple(t["kit"])) for t in copies} == {("Rubi", "C3", ("blade", "fence"))}
    kiosk.tap(kiosk.find("Done"))
    assert kiosk.screen.name == "volunteer"


def test_editing_a_tool_goes_back_with_no_copy_offered(kiosk, ledger, codes):
    sign_in(kiosk, "volunteer", "1234")
    kiosk.scan(codes.tool)
    kiosk.type(kiosk.screen.ids.shelf, "Z9")
    kiosk.tap(kiosk.find("Save"))
    assert kiosk.screen.name == "volunteer" and ledger.tool(codes.tool)["shelf"] == "Z9"


def test_renewal_corrects_name_email_and_phone(kiosk, ledger, codes):
    sign_in(kiosk, "volunteer", "1234")
    kiosk.scan(codes.member_expired)
    form = kiosk.screen
    before = ledger.member(codes.member_expired)
    assert (form.ids.name.text, form.ids.email.text) == (before["name"], before["email"])
    kiosk.type(form.ids.name, before["name"] + "-Reyes")
    kiosk.type(form.ids.email, "new.address@example.org")
    kiosk.type(form.ids.phone, "555-0199")
    kiosk.tap(kiosk.find("Renew for one year"))
    member = ledger.member(codes.member_expired)
    assert (member["name"], member["email"], member["phone"]) == (
        before["name"] + "-Reyes", "new.address@example.org", "555-0199")
    assert date.fromisoformat(member["expires"]) > ledger.today() + timedelta(days=360)


def test_save_changes_corrects_contact_without_renewing(kiosk, ledger, codes):
    sign_in(kiosk, "volunteer", "1234")
    kiosk.scan(codes.member)
    before = ledger.member(codes.member)
    kiosk.type(kiosk.screen.ids.phone, "")
    kiosk.type(kiosk.screen.ids.email, "fixed@example.org")
    kiosk.tap(kiosk.find("Save changes"))
    member = ledger.member(codes.member)
    assert (member["email"], member["phone"], member["expires"]) == ("fixed@example.org", None, before["expires"])
    kiosk.scan(codes.member)
    kiosk.type(kiosk.screen.ids.name, " ")
    events = len(ledger.events())
    kiosk.tap(kiosk.find("Save changes"))
    assert kiosk.app.toast.text == "Please enter the member's name." and len(ledger.events()) == events


def test_a_registration_with_a_bad_email_or_phone_is_refused_in_the_members_words(kiosk, ledger):
    sign_in(kiosk, "volunteer", "1234")
    kiosk.tap(kiosk.find("Register a member"))
    form = kiosk.screen
    kiosk.type(form.ids.name, "Lucía Pérez")
    kiosk.tap(kiosk.find("I have read the waiver and accept it"))
    events = len(ledger.events())
    for field, text, message in (
            ("email", "lucia at example", "That e-mail address does not look right. Write it like name@example.org."),
            ("phone", "call me maybe", "That phone number does not look right. Use digits, spaces, dashes and a leading +.")):
        kiosk.type(form.ids[field], text)
        kiosk.tap(kiosk.find("Register"))
        assert kiosk.app.toast.text == message and len(ledger.events()) == events
        kiosk.type(form.ids[field], "")


def test_the_card_is_printing_only_when_a_printer_took_it(kiosk, ledger, codes, tmp_path):
    sign_in(kiosk, "volunteer", "1234")
    kiosk.scan(codes.member)
    kiosk.tap(kiosk.find("Print a new card"))
    assert kiosk.app.toast.text == "Card saved; no printer is set up."
    kiosk.app.service.set_local({"label_command": printer(tmp_path, "exit 0")})
    kiosk.tap(kiosk.find("Print a new card"))
    kiosk.wait(lambda: kiosk.app.toast.text == "The card went to the printer.", timeout=30)


def test_a_spanish_speaker_registers_reading_the_spanish_waiver(kiosk, ledger):
    sign_in(kiosk, "volunteer", "1234")
    kiosk.tap(kiosk.find("Register a member"))
    form = kiosk.screen
    english = ledger.waiver("en")[0]
    assert english in kiosk.texts()
    kiosk.tap(kiosk.find("Español"))
    spanish = ledger.waiver("es")[0]
    assert spanish in kiosk.texts() and english not in kiosk.texts()
    kiosk.type(form.ids.name, "Lucía Pérez")
    kiosk.tap(kiosk.find("I have read the waiver and accept it"))
    kiosk.tap(kiosk.find("Register"))
    member = next(m for m in ledger.list_members() if m["name"] == "Lucía Pérez")
    assert (member["language"], member["waiver_language"]) == ("es", "es")
    assert kiosk.app.service.member_language(ledger.member(member["code"])) == "es"  # for the screens at card scan


def test_renewal_changes_the_language(kiosk, ledger, codes):
    sign_in(kiosk, "volunteer", "1234")
    kiosk.scan(codes.member)
    kiosk.tap(kiosk.find("Español"))
    kiosk.tap(kiosk.find("Save changes"))
    assert ledger.member(codes.member)["language"] == "es"


def test_settings_keep_a_waiver_per_language(kiosk, ledger):
    from tests.ui.test_staff import open_settings

    screen = open_settings(kiosk)
    kiosk.type(screen.ids.waiver_text, "I borrow at my own risk.")
    kiosk.type(screen.ids.waiver_text_es, "Tomo prestado bajo mi responsabilidad.")
    kiosk.tap(kiosk.find("Save"))
    assert ledger.waiver("es") == ("Tomo prestado bajo mi responsabilidad.", "es")
    assert ledger.waiver("en") == ("I borrow at my own risk.", "en")
    assert ledger.settings["waiver_text"] == "I borrow at my own risk."
    kiosk.tap(kiosk.find("Settings"))
    screen = kiosk.screen
    events = len(ledger.events())
    kiosk.type(screen.ids.waiver_text_es, "x" * 4001)
    kiosk.tap(kiosk.find("Save"))
    assert screen.ids.error_waiver.text == "A waiver is at most 4000 characters." and len(ledger.events()) == events
