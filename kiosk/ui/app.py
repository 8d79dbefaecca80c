"""The kiosk app: a ScreenManager of screens, the scan door, idle reset, sync and watchdog.

    run_app(Path("~/.local/share/toolkiosk"), fullscreen=True, camera=None)

Every scan reaches :meth:`KioskApp.on_scan` on the Kivy thread; the screen on
show may take it (a basket takes tools), otherwise it is routed from home (a
card starts a session, a tool out on loan is returned). A screen with
unfinished business (tools scanned but not borrowed) is asked before it is
left; idling shows a "Still there?" countdown before the kiosk goes home. An
exception anywhere in the UI loop is logged and the kiosk goes home; the
ledger's writes are whole transactions, so a failed one leaves nothing behind.
"""

from __future__ import annotations

import gc
import logging
import math
import time
from pathlib import Path
from typing import Any, Callable

from kivy.app import App
from kivy.base import ExceptionManager, ExceptionManagerBase
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from kiosk import assets
from kiosk.ledger import Ledger
from kiosk.ui import theme
from kiosk.ui.i18n import _, tr
from kiosk.ui.service import KioskService, Scan

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
DESIGN_SIZE = (800, 480)  # the layouts are drawn for the official 7-inch display; bigger screens scale up


def run_app(home: Path, *, fullscreen: bool = True, camera: str | None = None) -> None:
    """Starts the kiosk on the library in ``home`` and returns when the app is closed."""
    from kiosk.display import WINDOW
    from kiosk.ui.config import configure

    home = Path(home)
    ledger = Ledger.open(home)
    service = KioskService(ledger, home)
    configure(fullscreen=fullscreen, size=None if fullscreen else WINDOW, keyboard=service.local("keyboard"))
    KioskApp(service, camera=camera or service.local("camera") or None).run()


class KioskApp(App):
    title = "Tool Library Kiosk"
    icon = str(assets.path("icons", "toolkiosk.png"))
    lang = StringProperty("en")
    portrait = BooleanProperty(False)
    sync_text = StringProperty("")
    sync_ok = BooleanProperty(False)
    sync_shown = BooleanProperty(False)  # only a kiosk with a sync server says how syncing goes
    camera_text = StringProperty("")
    role = StringProperty("")          # "", "volunteer" or "coordinator"
    last_activity = NumericProperty(0.0)
    service = ObjectProperty(None)
    sync_status = ObjectProperty(None, allownone=True)

    def __init__(self, service: KioskService, *, camera: str | None = None, start_sync: bool = True,
                 start_camera: bool = True, clock: Callable[[], float] = time.monotonic, **kwargs: Any):
        """``clock`` tells the idle time (seconds, any origin): tests move it instead of waiting."""
        super().__init__(**kwargs)
        self.service = service
        self.clock = clock
        self.camera_spec = camera
        self._start_sync = start_sync
        self._start_camera = start_camera
        self.sync_loop: Any = None
        self.watchdog: Any = None
        self.scans: Any = None
        self.feedback: Any = None
        self.screens: Any = None   # kiosk.ui.screens.Screens
        self.manager: Any = None
        self.still_there: Any = None  # the idle countdown while it shows

    # -- building --------------------------------------------------------------------

    def build(self):
        from kivy.core.window import Window
        from kivy.metrics import Metrics
        from kivy.uix.boxlayout import BoxLayout
        from kivy.uix.floatlayout import FloatLayout

        from kiosk.ui.feedback import Feedback
        from kiosk.ui.keyboard import KeyboardDock, KioskKeyboard
        from kiosk.ui.scanning import ScanInput
        from kiosk.ui.widgets import Flash, Toast

        Window.clearcolor = theme.BACKGROUND
        self.portrait = Window.height > Window.width
        design = DESIGN_SIZE[::-1] if self.portrait else DESIGN_SIZE
        Metrics.density = max(1.0, min(Window.width / design[0], Window.height / design[1]))
        Builder.load_file(str(HERE / "widgets.kv"))
        self.scans = ScanInput(self.on_scan, self.on_camera_status)
        # The toast is a banner above the screen that pushes it down while shown: it covers
        # nothing (a greeting, a Finish button), and the screen's own layout makes room.
        self.toast = Toast()
        self.column = column = BoxLayout(orientation="vertical")
        column.add_widget(self.toast)
        self._new_screens()
        root = FloatLayout()
        root.add_widget(column)
        self.flash = Flash()
        root.add_widget(self.flash)
        Window._vkeyboard_cls = KioskKeyboard  # used when configure() turned the on-screen keyboard on
        self.keyboard_dock = KeyboardDock(column)
        self.feedback = Feedback(self.flash, volume=lambda: self.service.volume())
        tr.on_switch(self._language_switched)
        self.switch_language(self.service.local("language"))
        self.sync_text = _("Offline · not connected")
        Window.bind(on_touch_down=self._touched, on_key_down=self._key_down, on_textinput=self._typed,
                    on_resize=self._resized)
        return root

    def on_start(self) -> None:
        ExceptionManager.add_handler(self)
        self.last_activity = self.clock()
        Clock.schedule_interval(self.idle_tick, 1.0)
        Clock.schedule_once(lambda _dt: self._after_first_frame(), 0)
        self.go_home()

    def _after_first_frame(self) -> None:
        Clock.schedule_interval(self._make_next_screen, 0)  # the other screens, one a frame
        self.feedback.load()
        if self._start_camera:
            from kiosk.ui.scanning import start_camera

            self.scans.use_camera(start_camera(self.camera_spec, self.scans, self.service.local("scanner")))
        if self._start_sync:
            self._begin_sync()
        self._begin_watchdog()

    def _make_next_screen(self, _dt: float) -> bool:
        if self.screens.make_next():
            return True
        # Every screen is made: what the app keeps all its life leaves the collector's rounds, so a
        # full collection over it no longer stalls the frame that shows a scan's result.
        gc.collect()
        gc.freeze()
        return False

    def on_stop(self) -> None:
        ExceptionManager.remove_handler(self)
        gc.unfreeze()  # this app's objects may be collected again once it is gone
        if self.sync_loop is not None:
            self.sync_loop.stop()
        if self.scans is not None:
            self.scans.stop()
        try:
            from kiosk.watchdog import notify_stopping
        except ImportError:
            return
        notify_stopping()

    # -- navigation ------------------------------------------------------------------

    def _new_screens(self) -> None:
        """A new set of screens, made as they are needed with the look in use; the old set goes."""
        from kivy.uix.screenmanager import NoTransition, ScreenManager

        from kiosk.ui.screens import Screens

        if self.manager is not None:
            self.manager.current_screen.dispatch("on_leave")  # it stops what it runs (the camera preview)
            self.column.remove_widget(self.manager)
        self.manager = ScreenManager(transition=NoTransition())
        self.screens = Screens(self.manager, Builder)
        self.column.add_widget(self.manager)

    @property
    def current(self):
        return self.manager.current_screen

    def go(self, name: str, *, force: bool = False, **params: Any):
        """Shows a screen. The screen on show may first ask about its unfinished business
        (then it stays, and goes on once answered); ``force`` leaves without asking."""
        screen = self.screens[name]
        if screen.roles and self.role not in screen.roles:
            screen = self.screens["home"]
            name, params = "home", {}
        leaving = self.manager.current_screen
        if not force and leaving is not None and not leaving.may_leave(name, lambda: self.go(name, force=True, **params)):
            return leaving
        if leaving is not screen and leaving is not None:
            self.stop_typing()  # the on-screen keyboard goes with the field it was typing into
            leaving.leave()
        screen.setup(**params)
        if self.manager.current != name:
            self.manager.current = name
        else:
            screen.refresh()
        return screen

    def go_home(self, *_: Any, force: bool = False) -> None:
        """Back to the start: the member's session, its banner, its larger text and any staff
        login end. The screen on show may ask first, as in :meth:`go`."""
        leaving = self.manager.current_screen
        if not force and leaving is not None and not leaving.may_leave("home", lambda: self.go_home(force=True)):
            return
        self.role = ""
        self.toast.hide()
        self.switch_language(self.service.local("language"))
        if theme.large:
            self.use_large_text(False)
        else:
            self.go("home", force=True)

    def use_large_text(self, on: bool) -> None:
        """Larger text and higher contrast for this session (going home ends it): the screens,
        the banner and the window are made anew in that look, starting at home."""
        from kivy.core.window import Window

        from kiosk.ui.widgets import Toast

        if self.manager.current_screen is not None:
            self.manager.current_screen.leave()
        theme.use_large(on)
        Window.clearcolor = theme.BACKGROUND
        toast = Toast()
        self.column.remove_widget(self.toast)
        self.column.add_widget(toast, index=len(self.column.children))
        self.toast = toast
        self._new_screens()
        self.go("home", force=True)

    def switch_language(self, lang: str) -> None:
        tr.switch(lang)
        self.lang = tr.lang

    def _language_switched(self, lang: str) -> None:
        if self.sync_status is not None:
            self.show_sync_status(self.sync_status)
        elif self.sync_loop is None:
            self.sync_text = _("Offline · not connected")
        screen = self.manager.current_screen
        if screen is not None:
            screen.refresh()

    # -- scans -----------------------------------------------------------------------

    def on_scan(self, text: str, source: str = "keyboard") -> None:
        """Every scan, on the Kivy thread: the screen on show first, then the routes from home."""
        self.last_activity = self.clock()
        self._end_countdown()
        scan = self.service.identify(text)
        if not self.current.handle_scan(scan):
            self.route(scan)

    def route(self, scan: Scan) -> None:
        """What a scan means when nobody is in the middle of something: a new session, which
        starts without the last one's banner."""
        self.toast.hide()
        if scan.kind == "member":
            self.go("member", code=scan.member["code"])
        elif scan.kind == "tool" and scan.tool["status"] == "on_loan":
            self.go("checkin", tool=scan.tool)
        elif scan.kind == "tool":
            self.go("tool", tool=scan.tool)
        else:
            self.refuse(_("We don't know this code. Please give the item to a volunteer."))

    def accept(self, message: str = "", sound: str = "accepted") -> None:
        """A good result: its sound (``sound``: "accepted" or "returned"), a green frame and ``message``."""
        self.feedback.give(sound)
        if message:
            self.toast.show(message, ok=True)

    def refuse(self, message: str = "") -> None:
        self.feedback.give("refused")
        if message:
            self.toast.show(message, ok=False, seconds=6.0)

    def help(self) -> None:
        """Need help?: says where to find a volunteer, chimes, and runs the library's help hook."""
        from kiosk.ui.widgets import Dialog

        self.feedback.give("help")
        called = self.service.call_for_help(self.manager.current)
        text = self.service.local("help_where") or _("Please ask at the front desk: a volunteer will help you.")
        if called:
            text += "\n" + _("We are letting a volunteer know.")
        Dialog(_("Need help?"), text, [(_("Close"), "ok", None)]).show()

    def on_camera_status(self, state: str, message: str) -> None:
        self.camera_text = "" if state in ("ready", "ended") else {
            "missing": _("Camera not connected"),
            "lost": _("Camera disconnected"),
            "busy": _("Camera in use by another program"),
            "unavailable": _("No camera"),
        }.get(state, message)

    # -- idle, touches and the keyboard ----------------------------------------------------

    def _touched(self, *_: Any) -> None:
        self.last_activity = self.clock()
        if self.still_there is not None:  # a touch anywhere answers "Still there?"
            Clock.schedule_once(self.idle_tick, 0)

    def idle_tick(self, _dt: float = 0) -> None:
        """Once a second: after the idle timeout a "Still there?" countdown, then home.
        At home, larger text left on by someone who walked away goes back to normal."""
        idle = self.clock() - self.last_activity
        timeout, warning = self.service.idle_timeout(), self.service.idle_warning()
        if self.manager.current == "home":
            self._end_countdown()
            if idle >= timeout and theme.large:
                self.use_large_text(False)
            return
        if idle < timeout:
            self._end_countdown()
        elif idle < timeout + warning:
            self._count_down(math.ceil(timeout + warning - idle))
        else:
            log.info("idle for %.0f s on %s: back home", idle, self.manager.current)
            self._end_countdown()
            self.close_dialogs()
            self.go_home(force=True)

    def _count_down(self, seconds: int) -> None:
        from kiosk.ui.widgets import Dialog

        text = _("Going back to the start in {seconds} s.").format(seconds=seconds)
        unfinished = self.current.unfinished()
        if unfinished:
            text += "\n" + unfinished
        if self.still_there is None:
            self.still_there = Dialog(_("Still there?"), text, [(_("I'm still here"), "ok", None)]).show()
            self.still_there.bind(on_dismiss=lambda *_: setattr(self, "still_there", None))
        self.still_there.message = text

    def _end_countdown(self) -> None:
        if self.still_there is not None:
            self.still_there.dismiss(animation=False)
            self.still_there = None

    def close_dialogs(self) -> None:
        """Closes every question and notice over the screen."""
        from kivy.core.window import Window
        from kivy.uix.modalview import ModalView

        for widget in list(Window.children):
            if isinstance(widget, ModalView):
                widget.dismiss(animation=False)

    def _typed(self, window: Any, text: str) -> None:
        self.last_activity = self.clock()
        if not self._text_field_focused():
            self.scans.on_textinput(text)

    def _key_down(self, window: Any, key: int, scancode: int, codepoint: str, modifiers: list) -> bool:
        self.last_activity = self.clock()
        if key in (13, 271) and not self._text_field_focused():
            return self.scans.on_enter()
        return False

    def _text_field_focused(self) -> bool:
        from kivy.uix.behaviors.focus import FocusBehavior

        return any(getattr(w, "focus", False) for w in FocusBehavior._keyboards.values() if w is not None)

    def stop_typing(self) -> None:
        """Unfocuses the field being typed into, which puts any on-screen keyboard away."""
        from kivy.uix.behaviors.focus import FocusBehavior

        for widget in list(FocusBehavior._keyboards.values()):
            if widget is not None:
                widget.focus = False

    def _resized(self, window: Any, width: int, height: int) -> None:
        self.portrait = height > width

    # -- sync and watchdog -----------------------------------------------------------------

    def _begin_sync(self) -> None:
        try:
            from sync.client import SyncLoop, is_enrolled
        except ImportError:
            return
        if not is_enrolled(self.service.home):
            return
        self.sync_loop = SyncLoop(self.service.home, interval=60.0,
                                  on_status=lambda status: Clock.schedule_once(lambda _dt: self.show_sync_status(status)))
        self.sync_loop.start()

    def show_sync_status(self, status: Any) -> None:
        """Shows what the sync loop reports. (Not named on_sync_status: Kivy calls a method of that
        name, with other arguments, whenever the sync_status property changes.)"""
        self.sync_ok = bool(status.online and not status.error)
        self.sync_shown = bool(status.enrolled)
        waiting = int(status.waiting or 0)
        if not status.enrolled:
            self.sync_text = _("Offline · not connected")
        elif status.online:
            self.sync_text = _("Online · {waiting} waiting").format(waiting=waiting) if waiting else _("Online · up to date")
        else:
            self.sync_text = _("Offline · {waiting} waiting").format(waiting=waiting)
        self.sync_status = status

    def request_sync(self) -> None:
        if self.sync_loop is not None:
            self.sync_loop.request_sync()

    def _begin_watchdog(self) -> None:
        try:
            from kiosk.watchdog import Watchdog, notify_ready
        except ImportError:
            return
        self.watchdog = Watchdog()
        if self.watchdog.enabled:
            Clock.schedule_interval(lambda _dt: self.watchdog.feed(), 1.0)
        notify_ready()

    # -- the safety net ----------------------------------------------------------------------

    def handle_exception(self, exc: BaseException) -> int:
        """Kivy's ExceptionManager hook: anything a screen raises is logged and the kiosk goes home."""
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            return ExceptionManagerBase.RAISE
        log.error("a screen failed; back home", exc_info=exc)
        try:
            self.close_dialogs()
            self.go_home(force=True)
            self.refuse(_("Something went wrong. Please try again, or ask a volunteer."))
        except Exception:
            log.exception("going home after a failure failed too")
        return ExceptionManagerBase.PASS
