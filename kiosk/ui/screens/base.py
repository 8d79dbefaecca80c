"""What every screen can do; the app calls these as people move around."""

from __future__ import annotations

from typing import Any, Callable

from kivy.app import App
from kivy.uix.screenmanager import Screen

from kiosk.ui.service import KioskService, Scan


class KioskScreen(Screen):
    roles: tuple[str, ...] = ()  # who may open it; empty: anybody

    @property
    def app(self) -> Any:
        return App.get_running_app()

    @property
    def service(self) -> KioskService:
        return self.app.service

    def setup(self, **params: Any) -> None:
        """Takes what the screen is about (a tool, a member) before it is shown."""

    def refresh(self) -> None:
        """Shows the current state in the current language; also called after a language switch."""

    def handle_scan(self, scan: Scan) -> bool:
        """True when this screen used the scan; False lets the app route it from home."""
        return False

    def may_leave(self, destination: str, then: Callable[[], Any]) -> bool:
        """True when the screen can be left for ``destination`` now. A screen holding unfinished
        business asks first, returns False, and calls ``then`` once the question is answered."""
        return True

    def unfinished(self) -> str:
        """What leaving now would drop, in words for the "Still there?" countdown; empty if nothing."""
        return ""

    def leave(self) -> None:
        """The screen is left (for home, after idling, or elsewhere): forget what it held."""

    def on_pre_enter(self, *_: Any) -> None:
        self.refresh()
