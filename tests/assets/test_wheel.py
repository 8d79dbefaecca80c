"""The wheel (what `pip install .` and the Pi installer install) carries every asset, its translations compiled."""

from __future__ import annotations

import gettext
import io
import subprocess
import sys
import tarfile
import zipfile

from kiosk.po import read_po
from tests.assets.conftest import build_wheel
from tests.worktree import REPO

ASSETS = REPO / "assets"


def _installed_name(path) -> str:
    """Where a file of assets/ lands in the wheel; a .po as the .mo a build makes of it."""
    relative = path.relative_to(ASSETS)
    return f"kiosk/assets/{relative.with_suffix('.mo').as_posix() if path.suffix == '.po' else relative.as_posix()}"


def test_the_wheel_carries_every_asset_and_no_translation_source(wheel):
    files = [p for p in sorted(ASSETS.rglob("*")) if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".mo"]
    expected = {_installed_name(p): p for p in files}
    assert {"kiosk/assets/sounds/accepted.wav", "kiosk/assets/sounds/refused.wav",
            "kiosk/assets/locale/en/LC_MESSAGES/kiosk.mo", "kiosk/assets/locale/es/LC_MESSAGES/kiosk.mo",
            "kiosk/assets/fonts/DejaVuSans.ttf", "kiosk/assets/fonts/DejaVuSans-Bold.ttf",
            "kiosk/assets/fonts/DejaVuSansMono-Bold.ttf", "kiosk/assets/fonts/LICENSE",
            "kiosk/assets/icons/toolkiosk.png", "kiosk/assets/labels/stocks.toml",
            "kiosk/assets/demo/library.toml", "kiosk/assets/demo/tools.csv", "kiosk/assets/demo/members.csv"} <= set(expected)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert sorted(set(expected) - names) == []
        assert [name for name in names if name.endswith(".po")] == []
        for name, source in expected.items():
            if source.suffix != ".po":
                assert archive.read(name) == source.read_bytes(), name


def test_the_compiled_catalogs_say_what_the_po_files_say(wheel):
    with zipfile.ZipFile(wheel) as archive:
        for lang in ("en", "es"):
            mo = archive.read(f"kiosk/assets/locale/{lang}/LC_MESSAGES/kiosk.mo")
            catalog = gettext.GNUTranslations(io.BytesIO(mo))
            texts = {text: value for text, value in read_po(ASSETS / f"locale/{lang}/LC_MESSAGES/kiosk.po").items() if text}
            assert {text: catalog.gettext(text) for text in texts} == texts, lang
    assert texts["Scan your card or a tool"] == "Escanea tu tarjeta o una herramienta"


def test_an_sdist_carries_the_sources_and_a_wheel_built_from_it_the_catalogs(source_tree, tmp_path):
    """As `python -m build` does: the sdist first (setuptools' own PEP 517 hook), then the wheel from it."""
    done = subprocess.run([sys.executable, "-c", "import sys; from setuptools import build_meta; "
                           "print(build_meta.build_sdist(sys.argv[1]))", str(tmp_path)],
                          cwd=source_tree, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    sdist = tmp_path / done.stdout.split()[-1]
    members = tarfile.open(sdist).getnames()
    root = members[0].split("/")[0]
    assert {f"{root}/setup.py", f"{root}/kiosk/po.py", f"{root}/assets/locale/es/LC_MESSAGES/kiosk.po"} <= set(members)
    assert [m for m in members if m.endswith(".mo")] == []
    names = zipfile.ZipFile(build_wheel(sdist, tmp_path / "wheel")).namelist()
    assert "kiosk/assets/locale/es/LC_MESSAGES/kiosk.mo" in names and "kiosk/assets/sounds/refused.wav" in names
