"""Every screen in both languages, at 800x480 and the other sizes kiosks have, landscape and
portrait: every text fits its widget, and every button, field, row and key is inside the
window, uncovered, and not cut under a heading. The catalogs are complete."""

from __future__ import annotations

import pytest

from kiosk.ui import catalog
from kiosk.ui.screenshots import misfits_of, render, render_elsewhere

# Bigger screens show the 800x480 (or 480x800) layouts scaled up, so a few telling screens do
# there; portrait stacks them differently, so every screen is checked once in portrait.
TELLING = {"home-closed", "member-basket", "checkin-parts", "receipt", "pin", "tool-add", "member-register",
           "member-register-keyboard", "settings-refused", "overdue", "conflicts", "member-leaving",
           "checkin-repair", "home-large", "member-basket-large", "checkin-repair-large"}
FEW = {"home-closed", "member-basket", "member-register-keyboard", "settings-refused", "member-basket-large",
       "checkin-repair-large"}
OTHER_SIZES = {(480, 800): None, (1024, 600): TELLING, (1920, 1080): FEW, (1080, 1920): FEW}
KEY_OFF_SCREEN = "key outside the window"


def test_every_text_fits_on_every_screen_in_both_languages(kiosk):
    shown = set()
    kiosk.app.manager.bind(current=lambda _m, name: shown.add(name))
    assert render(None, driver=kiosk) == []
    assert shown >= set(kiosk.app.screens)  # the scenes reach every screen


@pytest.fixture(scope="module")
def elsewhere() -> dict:
    """What does not fit at each other size, rendered once for the tests below."""
    runs = {size: render_elsewhere(size, only=only) for size, only in OTHER_SIZES.items()}  # in parallel
    return {size: misfits_of(run) for size, run in runs.items()}


def test_every_text_fits_at_other_sizes_and_in_portrait(elsewhere):
    found = {size: [m for m in misfits if KEY_OFF_SCREEN not in m] for size, misfits in elsewhere.items()}
    assert found == {size: [] for size in OTHER_SIZES}


def test_every_key_of_the_on_screen_keyboard_is_on_screen_at_other_sizes(elsewhere):
    found = {size: [m for m in misfits if KEY_OFF_SCREEN in m] for size, misfits in elsewhere.items()}
    assert found == {size: [] for size in OTHER_SIZES}


def test_catalogs_are_complete():
    assert catalog.problems() == {"en": [], "es": []}


def test_misfit_check_finds_text_too_big_for_its_widget(kiosk):
    from kivy.uix.label import Label

    from kiosk.ui.fit import misfits
    from kiosk.ui.widgets import KButton

    label = Label(text="A sentence far too long for a tiny box", size_hint=(None, None), size=(40, 20))
    button = KButton(text="Cancelar", size_hint=(None, None), width=70)  # wraps, but cannot split its word
    for widget in (label, button):
        kiosk.screen.add_widget(widget)
    try:
        kiosk.pump(3)
        found = {m.text: m.why for m in misfits([kiosk.screen])}
        assert found == {label.text: "text drawn larger than its widget", "Cancelar": "a word is broken across lines"}
    finally:
        for widget in (label, button):
            kiosk.screen.remove_widget(widget)


def test_placement_check_finds_widgets_out_of_sight_covered_or_cut_under_a_heading(kiosk):
    from kivy.core.window import Window
    from kivy.uix.floatlayout import FloatLayout
    from kivy.uix.scrollview import ScrollView

    from kiosk.ui.placement import misplaced
    from kiosk.ui.widgets import KButton, ToolRow

    layer = FloatLayout()
    half_out = KButton(text="Half out", size_hint=(None, None), size=(200, 60), pos=(Window.width - 100, 200))
    under = KButton(text="Under", size_hint=(None, None), size=(200, 60), pos=(100, 200))
    over = KButton(text="Over", size_hint=(None, None), size=(200, 60), pos=(150, 220))
    scroll = ScrollView(size_hint=(None, None), size=(300, 100), pos=(100, 320), do_scroll_x=False)
    rows = FloatLayout(size_hint_y=None, height=300)
    rows.add_widget(ToolRow(title="Cut row", size_hint=(1, None), height=100, pos_hint={"top": 1}))
    scroll.add_widget(rows)
    for widget in (half_out, under, over, scroll):
        layer.add_widget(widget)
    kiosk.screen.add_widget(layer)
    try:
        scroll.scroll_y = 0.75  # half of the first row scrolled up, under whatever is above the list
        kiosk.pump(3)
        found = {(m.text, m.why) for m in misplaced([layer])}
        assert found == {("Half out", "outside the window"), ("Under", "overlaps KButton 'Over'"),
                         ("Cut row", "cut at the top of its list")}
    finally:
        kiosk.screen.remove_widget(layer)


def test_placement_check_finds_keys_off_the_screen(kiosk):
    from kivy.core.window import Window
    from kivy.uix.vkeyboard import VKeyboard

    from kiosk.ui.placement import misplaced

    keyboard = VKeyboard(size_hint=(None, None), size=(Window.width * 1.5, 200), pos=(0, 0), do_translation=False)
    kiosk.screen.add_widget(keyboard)
    try:
        kiosk.pump(3)
        off = {m.text for m in misplaced([keyboard]) if m.why == "key outside the window"}
        assert off and "q" not in off  # the keys on the right run off; the first ones stay
    finally:
        kiosk.screen.remove_widget(keyboard)
