"""Accessibility: larger text and higher contrast for one session, a sound per result at the
volume set, buttons that stand out from the ground, and disabled ones that look disabled."""

from __future__ import annotations

import pytest

from kiosk import assets
from kiosk.ui import theme
from kiosk.ui.feedback import RESULTS


def test_large_text_is_one_tap_from_home_and_ends_with_the_session(kiosk, codes):
    from kivy.core.window import Window

    normal = kiosk.find("Returning? Just scan the tool.").font_size
    kiosk.tap(kiosk.find("Large text"))
    assert theme.large
    assert kiosk.find("Returning? Just scan the tool.").font_size > normal
    assert list(Window.clearcolor) == list(theme.BACKGROUND) == [1, 1, 1, 1]  # high contrast: white ground
    kiosk.scan(codes.member)
    greeting = kiosk.find(kiosk.screen.greeting)
    assert greeting.font_size > normal and list(greeting.color) == [0, 0, 0, 1]
    kiosk.tap(kiosk.find("Finish"))
    assert kiosk.screen.name == "home" and not theme.large
    assert kiosk.find("Returning? Just scan the tool.").font_size == normal


def test_large_text_left_on_at_home_goes_back_to_normal_when_idle(kiosk):
    kiosk.tap(kiosk.find("Large text"))
    kiosk.app.last_activity = kiosk.app.clock() - kiosk.app.service.idle_timeout() - 1
    kiosk.app.idle_tick()
    kiosk.pump(2)
    assert not theme.large and kiosk.screen.name == "home"


def test_each_result_has_its_own_sound_at_the_volume_set(kiosk, codes, ledger):
    assert len({assets.path("sounds", f"{result}.wav").read_bytes() for result in RESULTS}) == len(RESULTS)
    kiosk.app.service.set_local({"volume": "30"})
    feedback = kiosk.app.feedback

    def heard(result: str) -> None:
        assert feedback.last == result
        sound = feedback.sound(result)
        assert sound.source.endswith(f"{result}.wav") and sound.volume == pytest.approx(0.3)

    kiosk.scan(codes.member)
    heard("accepted")
    kiosk.scan("NOT-A-CODE-123")
    heard("refused")
    kiosk.tap(kiosk.find("Need help?"))
    heard("help")
    kiosk.tap(kiosk.find("Close"))
    kiosk.tap(kiosk.find("Finish"))
    kiosk.scan(codes.tool_out_kit)
    for row in kiosk.screen.ids.parts.children:
        row.answer = "here"
    kiosk.tap(kiosk.find("Next"))
    kiosk.tap(kiosk.find("It's OK"))
    heard("returned")


def test_disabled_buttons_look_disabled_and_quiet_ones_have_an_edge(kiosk, codes):
    kiosk.scan(codes.member)
    borrow, finish = kiosk.find("Borrow"), kiosk.find("Finish")
    assert borrow.disabled and list(borrow.background_color) == list(theme.DISABLED)
    assert list(borrow.color) != list(finish.color)  # greyed text
    assert list(finish.background_color) == list(theme.QUIET)


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #RRGGBB colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("palette", [theme.EVERYDAY, theme.HIGH_CONTRAST], ids=["everyday", "high-contrast"])
def test_colours_meet_wcag(palette):
    c = palette
    for ground in ("BACKGROUND", "SURFACE"):
        assert contrast(c["TEXT"], c[ground]) >= 7 and contrast(c["MUTED"], c[ground]) >= 4.5
        assert contrast(c["QUIET_EDGE"], c[ground]) >= 3  # a quiet button's edge stands out (WCAG 1.4.11)
        for button in ("PRIMARY", "OK", "BAD"):
            assert contrast(c[button], c[ground]) >= 3
    for button in ("PRIMARY", "OK", "BAD"):
        assert contrast(c["ON_PRIMARY"], c[button]) >= 4.5
    assert contrast(c["TEXT"], c["QUIET"]) >= 7 and contrast(c["BAD_TEXT"], c["SURFACE"]) >= 4.5
    # disabled: flat (no edge to speak of) and grey, but its words still readable
    assert contrast(c["DISABLED"], c["BACKGROUND"]) < 1.5 and contrast(c["DISABLED_TEXT"], c["DISABLED"]) >= 4.5
