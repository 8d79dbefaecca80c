"""In a checkout (the editable install the tests run in) the kiosk reads assets/ itself, .po sources included."""

from __future__ import annotations

from kiosk import assets
from kiosk.po import read_po
from tests.worktree import REPO


def test_the_editable_install_finds_the_checkouts_assets():
    assert assets.path() == REPO / "assets"
    assert assets.path("sounds", "accepted.wav").is_file()


def test_with_no_compiled_catalog_the_po_source_is_read():
    from kiosk.ui.i18n import load

    assert list(assets.path("locale").rglob("*.mo")) == []
    spanish = read_po(REPO / "assets/locale/es/LC_MESSAGES/kiosk.po")
    assert load("es").gettext("Scan your card or a tool") == spanish["Scan your card or a tool"] != "Scan your card or a tool"
    assert load("xx").gettext("Scan your card or a tool") == "Scan your card or a tool"
