"""Every text of the public pages has its Spanish, and the Spanish keeps the text's placeholders."""

from __future__ import annotations

import re

from kiosk.po import read_po
from sync.server.web.public.i18n import MONTHS
from tests.worktree import REPO

TEXT = re.compile(r"""\b_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\)""")
PLACEHOLDER = re.compile(r"%\(\w+\)s")
SOURCES = [*sorted((REPO / "sync/server/web/templates/public").glob("*.html")),
           *sorted((REPO / "sync/server/web/public").glob("*.py"))]


def texts() -> set[str]:
    found = set()
    for path in SOURCES:
        for double, single in TEXT.findall(path.read_text(encoding="utf-8")):
            found.add(double or single)
    return found


def test_every_public_text_has_its_spanish_with_the_same_placeholders():
    spanish = read_po(REPO / "assets/locale/es/LC_MESSAGES/web.po")
    used = texts() | set(MONTHS)   # month names are looked up by name
    assert len(used) > 40   # the pattern does find the texts
    missing = sorted(t for t in used if not spanish.get(t))
    assert missing == []
    for text in used:
        assert sorted(PLACEHOLDER.findall(spanish[text])) == sorted(PLACEHOLDER.findall(text)), text
    assert sorted(set(spanish) - used - {""}) == []   # and no text left behind by a change
