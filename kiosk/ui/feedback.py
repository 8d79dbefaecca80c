"""What every result sounds and looks like, each told apart by ear: a bright chime and a
green frame when a tool or card is accepted, a low buzz and a red frame when refused,
a falling two-note chime and a green frame when a tool is returned, a three-note call
when someone asks for help. The volume is a kiosk setting (0 to 100)."""

from __future__ import annotations

import logging
from typing import Any, Callable

from kivy.core.audio import SoundLoader

from kiosk import assets
from kiosk.ui.widgets import Flash

RESULTS = {"accepted": True, "refused": False, "returned": True, "help": None}  # result -> frame: green, red, none
log = logging.getLogger(__name__)


class Feedback:
    def __init__(self, flash: Flash, volume: Callable[[], int]):
        """``volume``: the setting in use, read at each result, 0 to 100."""
        self.flash = flash
        self.volume = volume
        self.last = ""  # the result given last, for tests and logs
        self._sounds: dict[str, Any] | None = None

    def load(self) -> None:
        """Loads the sounds (after the first frame: audio start-up is slow); a kiosk without audio stays silent."""
        sounds = {}
        for result in RESULTS:
            try:
                sounds[result] = SoundLoader.load(str(assets.path("sounds", f"{result}.wav")))
            except Exception:  # no audio device: the frame still shows
                log.warning("sound %s could not be loaded", result, exc_info=True)
                sounds[result] = None
        self._sounds = sounds

    def sound(self, result: str) -> Any:
        """The loaded sound of a result, or None (no audio, or not loaded yet)."""
        return (self._sounds or {}).get(result)

    def give(self, result: str) -> None:
        """``result``: "accepted", "refused", "returned" or "help"."""
        self.last = result
        frame = RESULTS[result]
        if frame is not None:
            self.flash.show(frame)
        sound = self.sound(result)
        volume = self.volume() / 100
        if sound is not None and volume > 0:
            sound.stop()
            sound.volume = volume
            sound.play()
