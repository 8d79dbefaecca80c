"""The kiosk's touchscreen app (Kivy). Only the `run` and `demo` commands import it.

    from kiosk.ui.app import run_app
"""

import os

# Kivy parses sys.argv when imported; the kiosk's commands have their own options.
os.environ.setdefault("KIVY_NO_ARGS", "1")
