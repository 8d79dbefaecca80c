"""The kiosk's files that are not code, and the one way code finds them.

    assets/
      sounds/    what a scan sounds like: accepted.wav, refused.wav
      locale/    <lang>/LC_MESSAGES/kiosk.po, the screens' translations (compiled to .mo by a build)
      fonts/     DejaVu Sans, Bold and Sans Mono Bold for labels, with the fonts' LICENSE
      icons/     the app's window icon
      labels/    stocks.toml: the label stocks' measurements
      demo/      the demo library: library.toml, tools.csv, members.csv

Every install has this folder as the package ``kiosk.assets`` (setup.py maps
it), so code asks :func:`path` here instead of building paths from its own
location, which would only hold in a checkout.

    from kiosk import assets
    assets.path("sounds", "accepted.wav")
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def path(*parts: str) -> Path:
    """An asset's place on disk (Kivy, Pillow and gettext open files by name)."""
    return Path(str(files(__name__).joinpath(*parts)))
