"""Which screen the kiosk draws on. No Kivy here.

On a desktop, or a virtual screen (Xvfb), the kiosk is a window the size of the official 7-inch
display; full screen is for the Pi's own console, where SDL draws through KMS/DRM with no window
system. SDL full screen with no window manager draws everything lower than the window's top.
"""

from __future__ import annotations

import glob
import os
from typing import Mapping

WINDOW = (800, 480)  # the official 7-inch display


def has_window_system(env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def on_console(env: Mapping[str, str] | None = None) -> bool:
    """Drawing on the machine's own console with KMS/DRM, as the Pi's systemd unit does: the
    video driver is set to kmsdrm, or there is no window system, a DRM card, and a local terminal."""
    env = os.environ if env is None else env
    if env.get("SDL_VIDEODRIVER") == "kmsdrm":
        return True
    if has_window_system(env) or env.get("SSH_CONNECTION") or not glob.glob("/dev/dri/card*"):
        return False
    try:
        return os.ttyname(0).startswith("/dev/tty") and not os.ttyname(0).startswith("/dev/ttyS")
    except OSError:
        return False
