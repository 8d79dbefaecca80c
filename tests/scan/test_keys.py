"""USB scanner keystrokes into text: evdev key events (Shift, Caps Lock, Enter) and keystroke bursts."""

import pytest

from kiosk.scan.keys import KEY_ENTER, KEY_LEFTSHIFT, KEY_TAB, PRESSED, RELEASED, KeystrokeBursts, KeyTranslator

evdev = pytest.importorskip("evdev")
ecodes = evdev.ecodes

UNSHIFTED = {b: a for a, b in zip("1234567890-=[];',./`\\", "!@#$%^&*()_+{}:\"<>?~|")}
KEY_FOR = {**{c: getattr(ecodes, f"KEY_{c.upper()}") for c in "abcdefghijklmnopqrstuvwxyz0123456789"},
           "-": ecodes.KEY_MINUS, "=": ecodes.KEY_EQUAL, "[": ecodes.KEY_LEFTBRACE, "]": ecodes.KEY_RIGHTBRACE,
           ";": ecodes.KEY_SEMICOLON, "'": ecodes.KEY_APOSTROPHE, ",": ecodes.KEY_COMMA, ".": ecodes.KEY_DOT,
           "/": ecodes.KEY_SLASH, "`": ecodes.KEY_GRAVE, "\\": ecodes.KEY_BACKSLASH, " ": ecodes.KEY_SPACE}


def _events(text: str, enter: bool = True) -> list:
    """The events a keyboard-wedge scanner sends for ``text``: Shift around capitals and symbols, then Enter."""
    events, clock = [], 1000.0

    def key(code: int, value: int) -> None:
        nonlocal clock
        clock += 0.002
        sec, usec = int(clock), int((clock % 1) * 1e6)
        events.append(evdev.InputEvent(sec, usec, ecodes.EV_KEY, code, value))
        events.append(evdev.InputEvent(sec, usec, ecodes.EV_SYN, ecodes.SYN_REPORT, 0))

    for ch in text:
        shifted = ch.isupper() or ch in UNSHIFTED
        base = UNSHIFTED.get(ch, ch.lower())
        if shifted:
            key(ecodes.KEY_LEFTSHIFT, 1)
        key(KEY_FOR[base], 1)
        key(KEY_FOR[base], 0)
        if shifted:
            key(ecodes.KEY_LEFTSHIFT, 0)
    if enter:
        key(ecodes.KEY_ENTER, 1)
        key(ecodes.KEY_ENTER, 0)
    return events


def _typed(translator: KeyTranslator, events: list) -> list[str]:
    return [line for line in map(translator.feed_event, events) if line is not None]


def test_the_key_codes_are_linux_input_codes():
    assert (KEY_ENTER, KEY_TAB, KEY_LEFTSHIFT) == (ecodes.KEY_ENTER, ecodes.KEY_TAB, ecodes.KEY_LEFTSHIFT)
    assert (PRESSED, RELEASED) == (evdev.KeyEvent.key_down, evdev.KeyEvent.key_up)


@pytest.mark.parametrize("text", ["MAPLE-TK3QD7-007-Y", "AbCdef-123-xYz", "036602301467", "MAPLE-TK3QD7-001-*", "a~b$c=d!e@f#g%h^i&j(k)l_m+n{o}p|q:r\"s<t>u?"])
def test_mixed_case_code128_survives_shift(text):
    assert _typed(KeyTranslator(), _events(text)) == [text]


def test_each_enter_ends_one_scan():
    translator = KeyTranslator()
    assert _typed(translator, _events("FIRST-1") + _events("second-2")) == ["FIRST-1", "second-2"]


def test_caps_lock_inverts_letters_only():
    translator = KeyTranslator()
    caps = [evdev.InputEvent(0, 0, ecodes.EV_KEY, ecodes.KEY_CAPSLOCK, v) for v in (1, 0)]
    assert _typed(translator, caps + _events("abc-1", enter=False) + _events("D")) == ["ABC-1d"]


def test_keypad_digits_and_keypad_enter():
    translator = KeyTranslator()
    keys = [ecodes.KEY_KP4, ecodes.KEY_KP0, ecodes.KEY_KP0, ecodes.KEY_KP6, ecodes.KEY_KPENTER]
    events = [evdev.InputEvent(0, 0, ecodes.EV_KEY, k, v) for k in keys for v in (1, 0)]
    assert _typed(translator, events) == ["4006"]


def test_tab_ends_a_scan_only_when_asked():
    tab = [evdev.InputEvent(0, 0, ecodes.EV_KEY, ecodes.KEY_TAB, v) for v in (1, 0)]
    events = _events("T-1", enter=False) + tab
    assert _typed(KeyTranslator(), events) == []
    assert _typed(KeyTranslator(end_with_tab=True), events) == ["T-1"]


def test_a_lone_enter_is_not_a_scan():
    assert _typed(KeyTranslator(), _events("")) == []


def test_fast_keystrokes_ending_in_enter_are_a_scan():
    bursts = KeystrokeBursts(max_gap=0.05)
    text = "MAPLE-TK3QD7-007-Y"
    results = [bursts.feed(ch, 10.0 + i * 0.004) for i, ch in enumerate(text + "\n")]
    assert results[:-1] == [None] * len(text)
    assert results[-1] == text


def test_a_person_typing_is_not_a_scan():
    bursts = KeystrokeBursts(max_gap=0.05)
    results = [bursts.feed(ch, 10.0 + i * 0.2) for i, ch in enumerate("HELLO-123\n")]
    assert results == [None] * 10


def test_a_pause_starts_a_new_burst_and_short_bursts_are_ignored():
    bursts = KeystrokeBursts(max_gap=0.05, min_length=4)
    for i, ch in enumerate("typed by hand "):
        bursts.feed(ch, i * 0.3)
    start = 100.0
    for i, ch in enumerate("SCAN-42"):
        bursts.feed(ch, start + i * 0.005)
    assert bursts.feed("\n", start + 0.04) == "SCAN-42"
    for i, ch in enumerate("ab"):
        bursts.feed(ch, 200 + i * 0.005)
    assert bursts.feed("\r", 200.02) is None
