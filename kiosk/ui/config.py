"""Kivy's settings for a kiosk, made before Kivy opens its window.

Importing ``kivy.core.window`` (and so any widget with text input) opens the
window with whatever Config holds at that moment, so callers run
:func:`configure` first and import the screens after.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

SCANNER_NAMES = re.compile(r"barcode|scanner|honeywell|symbol|zebra|datalogic|newland|zebex|netum", re.I)


def keyboard_attached(devices: Path = Path("/proc/bus/input/devices")) -> bool:
    """A real keyboard is plugged in (a barcode scanner types too, but is no keyboard for people)."""
    try:
        text = devices.read_text(errors="replace")
    except OSError:
        return False
    for block in text.split("\n\n"):
        name = re.search(r'^N: Name="(.*)"', block, re.M)
        handlers = re.search(r"^H: Handlers=(.*)$", block, re.M)
        keys = re.search(r"^B: KEY=(.*)$", block, re.M)
        if not (name and handlers and keys and "kbd" in handlers.group(1).split()):
            continue
        # a full keyboard reports letter keys: at least five 64-bit words of key bits
        if len(keys.group(1).split()) >= 5 and not SCANNER_NAMES.search(name.group(1)):
            return True
    return False


def configure(*, fullscreen: bool = True, size: tuple[int, int] | None = None, keyboard: str = "auto") -> None:
    """Sets Kivy up for the counter: full screen, no mouse cursor, no exit on Escape, one input provider."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "log_level", os.environ.get("TOOLKIOSK_LOG_LEVEL", "info"))
    osk = keyboard == "on" or (keyboard == "auto" and not keyboard_attached())
    # docked on-screen keys, and a barcode scanner that types like a keyboard still reaches the fields
    Config.set("kivy", "keyboard_mode", "systemanddock" if osk else "system")
    Config.set("kivy", "keyboard_layout", "qwerty")
    Config.set("graphics", "maxfps", "60")
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("graphics", "show_cursor", "0" if fullscreen else "1")
    if size:
        Config.set("graphics", "width", str(size[0]))
        Config.set("graphics", "height", str(size[1]))
    # mouse without the red multitouch dots; touch screens come through their own provider (deploy config)
    Config.set("input", "mouse", "mouse,disable_multitouch")
