"""Every screen at 800x480 in both languages: every text fits its widget; the catalogs are complete."""

from __future__ import annotations

from kiosk.ui import catalog
from kiosk.ui.screenshots import render


def test_every_text_fits_on_every_screen_in_both_languages(kiosk):
    shown = set()
    kiosk.app.manager.bind(current=lambda _m, name: shown.add(name))
    assert render(None, driver=kiosk) == []
    assert shown >= set(kiosk.app.screens)  # the scenes reach every screen


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
