"""Reads the kiosk's Kivy configuration through Kivy itself and checks what the Pi will get.

Run with KIVY_HOME pointing at the folder holding config.ini, in the kiosk's
virtual environment. Exits non-zero, naming each problem, when Kivy would
not run full screen with exactly one input provider per touch device.
Importing kivy.config opens no window, so this runs without a screen.
"""

import os
import sys
from pathlib import Path

EXPECTED_INPUTS = {"touch": "probesysfs,provider=mtdev"}
EXPECTED = {("graphics", "fullscreen"): "auto", ("graphics", "show_cursor"): "0",
            ("graphics", "allow_screensaver"): "0", ("kivy", "exit_on_escape"): "0"}


def main() -> int:
    path = Path(os.environ["KIVY_HOME"]) / "config.ini"
    before = path.read_bytes()
    from kivy.config import KIVY_CONFIG_VERSION, Config

    problems = []
    version = Config.getint("kivy", "config_version")
    if path.read_bytes() != before:
        problems.append(f"Kivy rewrote {path}: its config_version is not Kivy's {KIVY_CONFIG_VERSION}")
    inputs = dict(Config.items("input"))
    if inputs != EXPECTED_INPUTS:
        problems.append(f"input providers are {inputs}, expected exactly {EXPECTED_INPUTS}")
    for (section, key), value in EXPECTED.items():
        if Config.get(section, key) != value:
            problems.append(f"[{section}] {key} = {Config.get(section, key)}, expected {value}")
    for problem in problems:
        print(f"kivy config: {problem}", file=sys.__stderr__)  # Kivy replaces sys.stderr
    if not problems:
        print(f"kivy config ok: version {version}, input {inputs}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
