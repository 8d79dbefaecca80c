"""Every screen in both languages, at 800x480 and the other sizes kiosks have, landscape and
portrait: every text fits its widget. The catalogs are complete."""

from __future__ import annotations

from kiosk.ui import catalog
from kiosk.ui.screenshots import misfits_of, render, render_elsewhere

# Bigger screens show the 800x480 (or 480x800) layouts scaled up, so a few telling screens do
# there; portrait stacks them differently, so every screen is checked once in portrait.
TELLING = {"home-closed", "member-basket", "checkin-parts", "receipt", "pin", "tool-add", "member-register",
           "member-register-keyboard", "settings-refused", "overdue", "conflicts"}
FEW = {"home-closed", "member-basket", "member-register-keyboard", "settings-refused"}
OTHER_SIZES = {(480, 800): None, (1024, 600): TELLING, (1920, 1080): FEW, (1080, 1920): FEW}


def test_every_text_fits_on_every_screen_in_both_languages(kiosk):
    shown = set()
    kiosk.app.manager.bind(current=lambda _m, name: shown.add(name))
    assert render(None, driver=kiosk) == []
    assert shown >= set(kiosk.app.screens)  # the scenes reach every screen


def test_every_text_fits_at_other_sizes_and_in_portrait():
    runs = {size: render_elsewhere(size, only=only) for size, only in OTHER_SIZES.items()}  # in parallel
    found = {size: misfits_of(run) for size, run in runs.items()}
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
