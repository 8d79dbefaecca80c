"""Packaging that pyproject.toml cannot say: the top-level assets/ folder and its translations.

assets/ is installed as the package ``kiosk.assets``, so every install (a
wheel, ``pip install .``, the Pi installer, an editable checkout) finds the
kiosk's sounds, fonts and data through ``kiosk.assets.path``.

The translations' sources are the .po files in assets/locale. A build compiles
each into the .mo gettext reads and ships only that: compiled catalogs live in
wheels, never in the repository. An editable install builds nothing; there the
kiosk compiles the .po in memory when it starts (kiosk.ui.i18n.load).
"""

import sys
from pathlib import Path

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # kiosk.po, from this tree: nothing is installed yet
from kiosk.po import compile_mo, read_po  # noqa: E402

ASSETS = "kiosk.assets"


class BuildWithCatalogs(build_py):
    """build_py, then every assets/locale/<lang>/LC_MESSAGES/<domain>.po compiled to a .mo beside where it installs."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        source = Path(self.get_package_dir(ASSETS), "locale")
        sources = sorted(source.glob("*/LC_MESSAGES/*.po"))
        if not sources:
            raise SystemExit(f"no translations in {source}: the source tree is incomplete")
        target = Path(self.build_lib, *ASSETS.split("."), "locale")
        for po in sources:
            mo = target / po.relative_to(source).with_suffix(".mo")
            mo.parent.mkdir(parents=True, exist_ok=True)
            mo.write_bytes(compile_mo(read_po(po)))


# assets/ and each folder in it, as packages of their own: every file there ships but the .po sources
ASSET_FOLDERS = find_namespace_packages(HERE / "assets", exclude=["*__pycache__"])
ASSET_PACKAGES = [ASSETS, *(f"{ASSETS}.{folder}" for folder in ASSET_FOLDERS)]

setup(
    packages=find_namespace_packages(include=["kiosk*", "sync*"], exclude=["*.__pycache__"]) + ASSET_PACKAGES,
    package_dir={ASSETS: "assets"},
    package_data={
        "kiosk.ui": ["*.kv"],
        "kiosk.ui.screens": ["*.kv"],
        "sync.server.web.templates": ["*.html"],
        "sync.server.web.static": ["*.css"],
        **{name: ["*"] for name in ASSET_PACKAGES},
    },
    exclude_package_data={"": ["*.po"]},  # the wheel carries the .mo compiled from them instead
    cmdclass={"build_py": BuildWithCatalogs},
)
