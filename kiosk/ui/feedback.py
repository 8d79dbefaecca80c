"""What every scan sounds and looks like: a bright chime and a green frame when
accepted, a low buzz and a red frame when refused."""

from __future__ import annotations

import logging
from typing import Any

from kivy.core.audio import SoundLoader

from kiosk import assets
from kiosk.ui.widgets import Flash

log = logging.getLogger(__name__)


class Feedback:
    def __init__(self, flash: Flash):
        self.flash = flash
        self._sounds: dict[bool, Any] | None = None

    def load(self) -> None:
        """Loads the sounds (after the first frame: audio start-up is slow); a kiosk without audio stays silent."""
        sounds = {}
        for ok, name in ((True, "accepted.wav"), (False, "refused.wav")):
            try:
                sounds[ok] = SoundLoader.load(str(assets.path("sounds", name)))
            except Exception:  # no audio device: the frame still shows
                log.warning("sound %s could not be loaded", name, exc_info=True)
                sounds[ok] = None
        self._sounds = sounds

    def give(self, ok: bool) -> None:
        self.flash.show(ok)
        sound = (self._sounds or {}).get(ok)
        if sound is not None:
            sound.stop()
            sound.play()
