"""The on-screen keyboard: every key inside the window at every supported size, and what names
and e-mail addresses need one tap away, in English and in Spanish."""

from __future__ import annotations

import pytest

from kiosk.ui.screenshots import misfits_of, render_elsewhere
from tests.ui.test_staff import sign_in

OTHER_SIZES = [(1024, 600), (480, 800), (1920, 1080), (1080, 1920)]


@pytest.fixture
def keys_on(kiosk):
    from kiosk.ui.keyboard import use

    use("on")
    yield kiosk
    use("off")


def focus(kiosk, field):
    field.focus = True
    kiosk.pump(4)
    from kiosk.ui.keyboard import shown_keyboard

    keys = shown_keyboard()
    assert keys is not None and keys.target == field
    return keys


@pytest.mark.parametrize("lang", ["en", "es"])
def test_names_and_addresses_need_one_tap_per_character(keys_on, ledger, lang):
    kiosk = keys_on
    sign_in(kiosk, "volunteer", "1234")
    kiosk.tap(kiosk.find("Register a member"))
    kiosk.app.switch_language(lang)
    form = kiosk.screen
    keys = focus(kiosk, form.ids.name.ids.input)
    normal = {key[0] for row in range(1, 6) for key in keys.available_layouts[keys.layout][f"normal_{row}"]}
    assert set("@.-_áéíóúñ") <= normal  # on the first page: one tap each
    kiosk.press_keys("José Núñez-Ibáñez")  # capitals through caps lock, as the driver types them
    assert form.ids.name.text == "José Núñez-Ibáñez"
    focus(kiosk, form.ids.email.ids.input)
    kiosk.press_keys("jose_nunez-2@ejemplo.org")
    assert form.ids.email.text == "jose_nunez-2@ejemplo.org"


def test_every_key_is_inside_the_window_in_both_languages(keys_on):
    from kiosk.ui.keyboard import keys_off_screen

    kiosk = keys_on
    sign_in(kiosk, "volunteer", "1234")
    kiosk.tap(kiosk.find("Register a member"))
    for lang in ("en", "es"):
        kiosk.app.switch_language(lang)
        keys = focus(kiosk, kiosk.screen.ids.email.ids.input)
        assert keys_off_screen(keys) == []


def test_the_check_finds_keys_past_the_edge(keys_on):
    """Kivy's own Spanish layout is wider than itself: Enter and the right Shift fall off."""
    from kiosk.ui.keyboard import keys_off_screen

    kiosk = keys_on
    sign_in(kiosk, "volunteer", "1234")
    kiosk.tap(kiosk.find("Register a member"))
    keys = focus(kiosk, kiosk.screen.ids.name.ids.input)
    keys.layout = "es_ES"
    kiosk.pump(2)
    try:
        off = keys_off_screen(keys)
    finally:
        keys.layout = "kiosk"
        kiosk.pump(2)
    assert any("'enter'" in key for key in off) and any("'shift'" in key for key in off)


def test_escape_puts_the_keyboard_away(keys_on):
    from kiosk.ui.keyboard import shown_keyboard

    kiosk = keys_on
    sign_in(kiosk, "volunteer", "1234")
    kiosk.tap(kiosk.find("Register a member"))
    focus(kiosk, kiosk.screen.ids.name.ids.input)
    kiosk._press(shown_keyboard(), "escape")
    kiosk.pump(3)
    assert shown_keyboard() is None and kiosk.app.keyboard_dock.content.y == 0


def test_every_key_is_inside_the_window_at_every_other_size():
    runs = {size: render_elsewhere(size, only={"member-register-keyboard"}) for size in OTHER_SIZES}  # in parallel
    assert {size: misfits_of(run) for size, run in runs.items()} == {size: [] for size in OTHER_SIZES}
