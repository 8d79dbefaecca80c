"""Keystrokes into scanned text: evdev key codes from a USB scanner, and keystroke bursts as a fallback.

Keyboard-wedge scanners act as a US keyboard: each character is a key press,
capitals and symbols with Shift held, the code ended by Enter. The key codes
are the Linux input codes (linux/input-event-codes.h), which are fixed.
"""

from __future__ import annotations

EV_KEY = 1
KEY_ENTER, KEY_KPENTER, KEY_TAB, KEY_CAPSLOCK = 28, 96, 15, 58
KEY_LEFTSHIFT, KEY_RIGHTSHIFT = 42, 54
RELEASED, PRESSED, REPEATED = 0, 1, 2

_LETTERS = {
    "q": 16, "w": 17, "e": 18, "r": 19, "t": 20, "y": 21, "u": 22, "i": 23, "o": 24, "p": 25,
    "a": 30, "s": 31, "d": 32, "f": 33, "g": 34, "h": 35, "j": 36, "k": 37, "l": 38,
    "z": 44, "x": 45, "c": 46, "v": 47, "b": 48, "n": 49, "m": 50,
}  # fmt: skip
# key code -> (character, character with Shift)
US_KEYS: dict[int, tuple[str, str]] = {code: (ch, ch.upper()) for ch, code in _LETTERS.items()}
US_KEYS.update({code: pair for code, pair in zip(range(2, 12), zip("1234567890", "!@#$%^&*()"))})
US_KEYS.update({
    12: ("-", "_"), 13: ("=", "+"), 26: ("[", "{"), 27: ("]", "}"), 39: (";", ":"), 40: ("'", '"'),
    41: ("`", "~"), 43: ("\\", "|"), 51: (",", "<"), 52: (".", ">"), 53: ("/", "?"), 57: (" ", " "),
    # keypad: some scanners send digits from it
    71: ("7", "7"), 72: ("8", "8"), 73: ("9", "9"), 74: ("-", "-"), 75: ("4", "4"), 76: ("5", "5"),
    77: ("6", "6"), 78: ("+", "+"), 79: ("1", "1"), 80: ("2", "2"), 81: ("3", "3"), 82: ("0", "0"),
    83: (".", "."), 55: ("*", "*"), 98: ("/", "/"),
})  # fmt: skip


class KeyTranslator:
    """Turns one device's key events into the lines it types.

    ``feed`` takes a key code and value (pressed, released, repeated) and
    returns a finished line when Enter (or Tab, if asked) ends one.
    """

    def __init__(self, end_with_tab: bool = False):
        self._terminators = {KEY_ENTER, KEY_KPENTER} | ({KEY_TAB} if end_with_tab else set())
        self._shift_held: set[int] = set()
        self._caps_lock = False
        self._typed: list[str] = []

    def feed(self, code: int, value: int) -> str | None:
        if code in (KEY_LEFTSHIFT, KEY_RIGHTSHIFT):
            if value == RELEASED:
                self._shift_held.discard(code)
            else:
                self._shift_held.add(code)
            return None
        if value == RELEASED:
            return None
        if code == KEY_CAPSLOCK:
            if value == PRESSED:
                self._caps_lock = not self._caps_lock
            return None
        if code in self._terminators:
            line, self._typed = "".join(self._typed), []
            return line or None
        keys = US_KEYS.get(code)
        if keys is not None:
            shifted = bool(self._shift_held)
            if self._caps_lock and keys[0].isalpha():
                shifted = not shifted
            self._typed.append(keys[shifted])
        return None

    def feed_event(self, event) -> str | None:
        """The same for an evdev ``InputEvent``; other event types (sync, scan codes, LEDs) are ignored."""
        if event.type != EV_KEY:
            return None
        return self.feed(event.code, event.value)


class KeystrokeBursts:
    """Tells a scanner's typing from a person's, from characters as the UI receives them.

    For machines without evdev: a scanner types a whole code in one burst,
    its keys a few milliseconds apart, then Enter. ``feed`` returns the code
    when Enter ends such a burst of at least ``min_length`` characters, and
    None for everything else (which is a person typing).
    """

    def __init__(self, max_gap: float = 0.05, min_length: int = 4):
        self.max_gap = max_gap
        self.min_length = min_length
        self._typed: list[str] = []
        self._last: float | None = None

    def feed(self, text: str, now: float) -> str | None:
        """``text`` is one typed character, or "\\n" / "\\r" for Enter; ``now`` is monotonic seconds."""
        in_burst = self._last is not None and now - self._last <= self.max_gap
        if text in ("\n", "\r", "\r\n"):
            line = "".join(self._typed) if in_burst else ""
            self._typed, self._last = [], None
            return line if len(line) >= self.min_length else None
        if not in_burst:
            self._typed = []
        self._typed.append(text)
        self._last = now
        return None
