"""The on-screen keyboard: Kivy's VKeyboard docked along the bottom of the screen when no
physical keyboard is attached (or the coordinator asks for it).

    use("auto")          # "on", "off", or "auto": on when no keyboard is plugged in
    KeyboardDock(content)   # moves the screen up so the field being typed in stays above the keys
    keys_off_screen(keyboard)   # keys of any page not wholly inside the window (none, at every size)

The keys are the kiosk's own layout, for English and Spanish alike: names and e-mail addresses
need @ . - _ and á é í ó ú ñ, and each is one tap away on the first page. A touch screen has no
second finger to hold Shift, so capitals come from a caps-lock key; there is no page of symbols
behind a key that must be held. Every row adds up to the layout's width, so no key runs past the
edge (Kivy's es_ES layout is wider than itself and lost Enter and the right Shift at 800x480).

Kivy's own ``softinput_mode`` panning places the keyboard by the field's local position,
which is wrong for fields inside lists and forms; the dock measures in window coordinates.
"""

from __future__ import annotations

from typing import Any, Iterator

from kivy.clock import Clock
from kivy.config import Config
from kivy.core.window import Window
from kivy.metrics import dp
from kivy.uix.scrollview import ScrollView
from kivy.uix.vkeyboard import VKeyboard

from kiosk.ui import theme
from kiosk.ui.config import keyboard_attached

ROWS = 5
COLUMNS = 13


def _keys(text: str) -> list[list]:
    """A row of one-unit character keys, as Kivy's layouts write them: [shown, typed, name, units];
    a capital is named by its small letter, like Kivy's own shift pages."""
    return [[char, char, char.lower(), 1] for char in text]


def _page(digits: str, top: str, middle: str, bottom: str, extra: str) -> dict[str, list[list]]:
    """Five rows of COLUMNS units each: digits, three rows of letters, and space with Enter."""
    return {
        "1": [*_keys(digits), ["\u232b", None, "backspace", 1]],
        "2": _keys(top),
        "3": _keys(middle),
        "4": [["\u21ea", None, "capslock", 2], *_keys(bottom)],
        "5": [["\u2a2f", None, "escape", 1.5], *_keys(extra), [" ", " ", "spacebar", 8], ["\u23ce", None, "enter", 2.5]],
    }


PAGES = {"normal": _page("1234567890@+", "qwertyuiopáéí", "asdfghjklñóú'", "zxcvbnm,.-_", "ü"),
         "shift": _page("1234567890@&", "QWERTYUIOPÁÉÍ", "ASDFGHJKLÑÓÚ'", "ZXCVBNM,.-_", "Ü")}
LAYOUT_NAME = "kiosk"
LAYOUT = {"title": LAYOUT_NAME, "description": "Letters, accents, @ . - _ and digits on one page",
          "cols": COLUMNS, "rows": ROWS,
          **{f"{page}_{row}": keys for page, rows in PAGES.items() for row, keys in rows.items()}}
MOST_OF_SCREEN = 0.62  # the keys never take more of the window's height than this (9 mm keys at 800x480)


def use(mode: str) -> bool:
    """Turns the docked keyboard on or off for the fields focused from now on; True when on.
    A barcode scanner typing like a keyboard still reaches the fields either way."""
    on = mode == "on" or (mode == "auto" and not keyboard_attached())
    if not on and Window.allow_vkeyboard:
        Window.release_all_keyboards()  # while Kivy still knows them as on-screen keys, or they stay drawn
    Config.set("kivy", "keyboard_mode", "systemanddock" if on else "system")
    Window._vkeyboard_cls = KioskKeyboard
    Window.use_syskeyboard = True
    Window.single_vkeyboard = True
    Window.allow_vkeyboard = Window.docked_vkeyboard = on
    return on


class KioskKeyboard(VKeyboard):
    """Kivy's VKeyboard with the kiosk's layout, and rows as tall as a touch target where the
    screen allows (Kivy's own is 200 units high, scaled to the window's width)."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.available_layouts[LAYOUT_NAME] = LAYOUT
        self.layout = LAYOUT_NAME

    def setup_mode_dock(self, *largs: Any) -> None:
        window = self.get_parent_window()
        self.margin_hint = [0.04, 0.01, 0.04, 0.01]  # keys as wide as the screen allows (Kivy's: 6% each side)
        tall = min(ROWS * theme.TOUCH, window.height * MOST_OF_SCREEN)
        self.height = tall * self.width / window.width  # docking scales the keyboard to the window's width
        super().setup_mode_dock(*largs)


def keys_off_screen(keyboard: VKeyboard) -> list[str]:
    """The keys, on every page of the keyboard, that do not lie wholly inside its window."""
    window, layout, shown = keyboard.get_parent_window(), keyboard.available_layouts[keyboard.layout], keyboard.layout_mode
    off = []
    try:
        for page in ("normal", "shift"):
            keyboard.layout_mode = page
            keyboard.refresh(True)
            for row in range(1, layout["rows"] + 1):
                for key, (pos, size) in zip(layout[f"{page}_{row}"], keyboard.layout_geometry[f"LINE_{row}"]):
                    (left, bottom), (right, top) = keyboard.to_parent(*pos), keyboard.to_parent(pos[0] + size[0], pos[1] + size[1])
                    if left < 0 or bottom < 0 or right > window.width + 0.5 or top > window.height + 0.5:
                        off.append(f"{page} {key[2] or key[0]!r} at {left:.0f},{bottom:.0f}-{right:.0f},{top:.0f}")
    finally:
        keyboard.layout_mode = shown
        keyboard.refresh(True)
    return off


def shown_keyboard() -> VKeyboard | None:
    return next((w for w in Window.children if isinstance(w, VKeyboard)), None)


class KeyboardDock:
    """While the keyboard shows, the app's content moves up just enough for the focused field to
    sit above the keys; it moves back when the keyboard goes."""

    def __init__(self, content: Any):
        self.content = content
        self._place = Clock.create_trigger(self._placed)  # after the keyboard has sized itself
        self._scrolled_to: Any = None
        Window.bind(children=lambda *_: self._place())

    def _placed(self, _dt: float) -> None:
        keyboard = shown_keyboard()
        target = getattr(keyboard, "target", None)
        if keyboard is None or target is None or target.get_parent_window() is None:
            self.content.y = 0
            self._scrolled_to = None
            return
        scroller = next((w for w in _ancestors(target) if isinstance(w, ScrollView)), None)
        if scroller is not None and self._scrolled_to is not target:
            # a field below the fold of its list: bring it into the list's view first, then lift
            self._scrolled_to = target
            scroller.scroll_to(target, padding=dp(12), animate=False)
            self._place()
            return
        bottom = target.to_window(target.x, target.y)[1] - self.content.y
        top_of_keys = keyboard.y + keyboard.height * keyboard.scale
        lift = max(0.0, top_of_keys + dp(8) - bottom)
        self.content.y = min(lift, max(0.0, Window.height - bottom - target.height))


def _ancestors(widget: Any) -> Iterator[Any]:
    while widget is not None and widget.parent is not widget:
        widget = widget.parent
        yield widget
