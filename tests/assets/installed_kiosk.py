"""Starts the kiosk installed in this interpreter's environment, as systemd does, and reports what it did.

    python -I installed_kiosk.py HOME

Run by test_installed.py with a fresh virtual environment's python, from
outside any checkout. ``toolkiosk run`` starts on the library in HOME with
its language set to Spanish; the kiosk's READY=1 on NOTIFY_SOCKET (a socket
of this process, as systemd would give it) says its first screen is up. Then
an unknown code is scanned; once the refusal shows, one JSON line on stdout
says where the kiosk's code and files came from, what the screen says, and
which sounds were loaded and played. Kivy's own SoundLoader loads the sounds;
this script only keeps hold of what it returns.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import tempfile
from pathlib import Path
from typing import Any

UNKNOWN_CODE = "NOT-A-LIBRARY-CODE"


def set_language(home: Path, lang: str) -> None:
    from kiosk.ledger import Ledger
    from kiosk.ui.service import KioskService

    service = KioskService(Ledger.open(home), home)
    service.set_local({"language": lang})
    service.close()


def watch_sounds() -> dict[str, dict[str, Any]]:
    """Every sound Kivy loads, by file: its length in seconds and whether it started playing."""
    from kivy.core.audio import SoundLoader

    sounds: dict[str, dict[str, Any]] = {}
    load = SoundLoader.load

    def loading(filename: str, **kwargs: Any) -> Any:
        sound = load(filename, **kwargs)
        seen = sounds[filename] = {"length": sound.length if sound else 0, "played": False}
        if sound is not None:
            sound.bind(on_play=lambda *_: seen.update(played=True))
        return sound

    SoundLoader.load = staticmethod(loading)
    return sounds


def texts(widget: Any) -> list[str]:
    return [w.text for w in widget.walk() if isinstance(getattr(w, "text", None), str) and w.text]


def main(home: Path) -> int:
    set_language(home, "es")
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(Path(tempfile.mkdtemp()) / "notify"))
    notify.setblocking(False)
    os.environ["NOTIFY_SOCKET"] = notify.getsockname()
    sounds = watch_sounds()

    from kivy.app import App
    from kivy.clock import Clock

    import kiosk
    from kiosk import assets
    from kiosk.cli import main as toolkiosk

    report: dict[str, Any] = {}

    def step(_dt: float) -> None:
        app = App.get_running_app()
        if "home" not in report:
            try:
                if b"READY=1" not in notify.recv(4096):
                    return
            except BlockingIOError:
                return
            report["home"] = texts(app.root)
            app.scans.submit(UNKNOWN_CODE)
        elif app.toast.text:
            report.update(refusal=app.toast.text, sounds=sounds, kiosk=kiosk.__file__, assets=str(assets.path()),
                          icon=app.get_application_icon(),
                          spanish_catalog=sorted(p.name for p in assets.path("locale", "es", "LC_MESSAGES").iterdir()))
            app.stop()

    Clock.schedule_interval(step, 0)
    status = toolkiosk(["run", "--home", str(home)])
    print(json.dumps(report), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
