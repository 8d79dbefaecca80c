"""The on-screen keyboard: Kivy's VKeyboard docked along the bottom of the screen when no
physical keyboard is attached (or the coordinator asks for it).

    use("auto")          # "on", "off", or "auto": on when no keyboard is plugged in
    KeyboardDock(content)   # moves the screen up so the field being typed in stays above the keys

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
from kiosk.ui.i18n import tr

LAYOUTS = {"en": "en_US", "es": "es_ES"}  # Kivy's layouts: @ for e-mail addresses, ñ and accents for Spanish
ROWS = 5
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
    """Kivy's VKeyboard in the kiosk's language, with rows as tall as a touch target where the
    screen allows (Kivy's own is 200 units high, scaled to the window's width)."""

    def setup_mode_dock(self, *largs: Any) -> None:
        window = self.get_parent_window()
        self.layout = LAYOUTS.get(tr.lang, "qwerty")
        self.margin_hint = [0.04, 0.01, 0.04, 0.01]  # keys as wide as the screen allows (Kivy's: 6% each side)
        tall = min(ROWS * theme.TOUCH, window.height * MOST_OF_SCREEN)
        self.height = tall * self.width / window.width  # docking scales the keyboard to the window's width
        super().setup_mode_dock(*largs)


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
