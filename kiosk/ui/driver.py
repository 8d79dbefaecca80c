"""Drives the real app frame by frame, without its main loop: for tests, screenshots and benchmarks.

    driver = Driver.start(home, size=(800, 480))
    driver.scan("DEMO-MDEMO0-00S-H")
    driver.tap(driver.find(text="Confirm"))
    driver.screenshot(Path("member.png"))

Kivy opens one window per process; a driver lives as long as its process and
is pointed at another library with :meth:`use_home`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable, Iterator

from kiosk.ledger import Ledger
from kiosk.ui.config import configure
from kiosk.ui.service import KioskService


class Driver:
    def __init__(self, app: Any):
        self.app = app

    @classmethod
    def start(cls, home: Path, *, size: tuple[int, int] = (800, 480), camera: Any = None, keyboard: str = "off") -> "Driver":
        configure(fullscreen=False, size=size, keyboard=keyboard)
        from kivy.base import EventLoop, _runTouchApp_prepare
        from kivy.core.window import Window

        from kiosk.ui.app import KioskApp

        Window.size = size
        app = KioskApp(KioskService(Ledger.open(home), Path(home)), start_sync=False, start_camera=False)
        app._run_prepare()
        _runTouchApp_prepare()
        driver = cls(app)
        if camera is not None:
            app.scans.use_camera(camera)
        driver.pump(3)
        assert EventLoop.status == "started"
        return driver

    def use_home(self, home: Path) -> None:
        """Points the running app at another library and starts over at home, dropping any
        question a screen was asking."""
        self.app.close_dialogs()
        self.app.go_home(force=True)  # the screen on show finishes its business with the old library first
        old = self.app.service
        self.app.service = KioskService(Ledger.open(home), Path(home))
        old.close()
        self.app.go_home(force=True)
        self.app.last_activity = self.app.clock()  # a fresh start: idling home mid-scene would spoil it
        self.pump(2)

    # -- the loop -------------------------------------------------------------------

    def pump(self, frames: int = 1) -> None:
        """Runs frames of the UI loop; an exception goes through the app's safety net like in the real loop."""
        from kivy.base import EventLoop

        for _ in range(frames):
            self._guarded(EventLoop.idle)

    @staticmethod
    def _guarded(step: Callable[[], Any]) -> None:
        from kivy.base import ExceptionManager

        try:
            step()
        except BaseException as exc:
            if ExceptionManager.handle_exception(exc) == ExceptionManager.RAISE:
                raise

    def wait(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("the app did not get there in time")
            self.pump()

    def settle(self, seconds: float = 0.1) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.pump()

    # -- input ------------------------------------------------------------------------

    def scan(self, text: str, source: str = "camera") -> None:
        self.app.scans.submit(text, source)
        self.pump(2)

    def tap(self, widget: Any) -> None:
        """A finger down and up on the widget's centre, through the window like a real touch."""
        from kivy.tests.common import UnitTestTouch

        from kivy.uix.scrollview import ScrollView

        scroll = next((n for n in _ancestors(widget) if isinstance(n, ScrollView)), None)
        if scroll is not None and not _within(widget, scroll):  # a finger scrolls a list first to reach a row below
            scroll.scroll_to(widget, animate=False)
            self.pump(2)
        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        self._guarded(touch.touch_down)
        self.pump()
        self._guarded(touch.touch_up)
        if scroll is not None:  # a list hands a tap to its rows only once it is sure the finger did not scroll
            self.settle(0.3)
        self.pump(2)

    def type(self, widget: Any, text: str) -> None:
        widget.text = text
        self.pump()

    def press_keys(self, text: str) -> None:
        """Types on the docked on-screen keyboard, a touch per key; capitals through caps lock.
        ``\n`` is the Enter key."""
        from kiosk.ui.keyboard import shown_keyboard

        keyboard = shown_keyboard()
        if keyboard is None:
            raise LookupError(f"no on-screen keyboard is shown on {self.screen.name}")
        for char in text:
            capital = char.isupper()
            if capital:
                self._press(keyboard, "capslock")
            self._press(keyboard, "enter" if char == "\n" else "spacebar" if char == " " else char.lower())
            if capital:
                self._press(keyboard, "capslock")

    def _press(self, keyboard: Any, key: str) -> None:
        """Touches the key whose special name or character is ``key``."""
        from kivy.tests.common import UnitTestTouch

        layout = keyboard.available_layouts[keyboard.layout]
        for line in range(1, layout["rows"] + 1):
            keys = layout[f"{keyboard.layout_mode}_{line}"]
            for (shown, _internal, special, _size), (pos, size) in zip(keys, keyboard.layout_geometry[f"LINE_{line}"]):
                if key in (special, shown):
                    x, y = keyboard.to_parent(pos[0] + size[0] / 2, pos[1] + size[1] / 2)  # docked: the window
                    touch = UnitTestTouch(x, y)
                    self._guarded(touch.touch_down)
                    self.pump()
                    self._guarded(touch.touch_up)
                    self.pump(2)  # caps lock changes the layout on the next frame
                    return
        raise LookupError(f"no key {key!r} on the {keyboard.layout} keyboard")

    # -- finding widgets ---------------------------------------------------------------

    @property
    def screen(self) -> Any:
        return self.app.manager.current_screen

    def roots(self) -> list[Any]:
        """The screen on show and any popup over it."""
        from kivy.core.window import Window

        return [self.screen, *[w for w in Window.children if w is not self.app.root]]

    def walk(self, root: Any = None) -> Iterator[Any]:
        for top in [root] if root is not None else self.roots():
            yield from top.walk(restrict=True)

    def find(self, text: str | None = None, *, id: str | None = None, cls: type | None = None) -> Any:
        """The one shown widget with this text (exact), id in its screen, or class."""
        if id is not None:
            return self.screen.ids[id]
        found = [w for w in self.walk() if (text is None or getattr(w, "text", None) == text)
                 and (cls is None or isinstance(w, cls)) and _shown(w)]
        if len(found) != 1:
            raise LookupError(f"{len(found)} widgets shown with text={text!r} cls={cls}")
        return found[0]

    def texts(self) -> list[str]:
        return [w.text for w in self.walk() if isinstance(getattr(w, "text", None), str) and w.text and _shown(w)]

    def screenshot(self, path: Path) -> Path:
        from kivy.core.window import Window

        self.pump(2)
        path.parent.mkdir(parents=True, exist_ok=True)
        Window.screenshot(name=str(path))
        # Window.screenshot numbers its files (name0001.png); keep the name asked for
        numbered = sorted(path.parent.glob(f"{path.stem}*{path.suffix}"), key=lambda p: p.stat().st_mtime)
        if numbered and numbered[-1] != path:
            numbered[-1].replace(path)
        return path


def _within(widget: Any, scroll: Any) -> bool:
    """The widget shows whole in the scrolling list's window (scrolling a short list moves it needlessly)."""
    x, y = widget.to_window(widget.x, widget.y)
    sx, sy = scroll.to_window(scroll.x, scroll.y)
    return sx <= x and sy <= y and x + widget.width <= sx + scroll.width and y + widget.height <= sy + scroll.height


def _ancestors(widget: Any) -> Iterator[Any]:
    node = widget.parent
    while node is not None and node is not node.parent:
        yield node
        node = node.parent


def _shown(widget: Any) -> bool:
    """On screen: every parent visible and the widget within its window."""
    node = widget
    while node is not None:
        if getattr(node, "opacity", 1) == 0:
            return False
        parent = node.parent
        if parent is node:
            break
        node = parent
    return widget.width > 0 and widget.height > 0
