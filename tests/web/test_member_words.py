"""Every text the member pages show in English has its Spanish: the templates' t("...") and the
messages the routes hand to them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from sync.server.web.members import words

ROOT = Path(__file__).resolve().parents[2] / "sync" / "server" / "web"
TEMPLATE_TEXT = re.compile(r"""\bt\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


def _template_texts() -> set[str]:
    found = set()
    for path in (ROOT / "templates" / "member").glob("*.html"):
        for double, single in TEMPLATE_TEXT.findall(path.read_text()):
            found.add(double or single)
    return found


def _route_texts() -> set[str]:
    """English sentences the member modules pass to pages: in calls, tuples and dicts (not docstrings or SQL)."""
    found = set()
    for path in (ROOT / "members").glob("*.py"):
        if path.name == "words.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                values = [*node.args, *(k.value for k in node.keywords)]
            elif isinstance(node, (ast.Tuple, ast.Dict)):
                values = node.elts if isinstance(node, ast.Tuple) else node.values
            elif isinstance(node, ast.Assign) and not isinstance(node.targets[0], ast.Name):
                values = [node.value]  # checked.form_error = "..."
            else:
                continue
            for value in values:
                if isinstance(value, ast.IfExp):
                    values.extend((value.body, value.orelse))
                elif (isinstance(value, ast.Constant) and isinstance(value.value, str)
                        and re.match(r"^[A-Z][a-z']*[ :][^\n]*[.:}]$", value.value) and "SELECT" not in value.value):
                    found.add(value.value)
    return found


def test_every_member_page_text_has_its_spanish():
    texts = _template_texts() | _route_texts() | set(words.RENEWAL_REFUSALS.values())
    assert len(texts) > 50
    missing = sorted(t for t in texts if t not in words.SPANISH)
    assert missing == []


def test_dates_name_the_weekday_in_both_languages():
    assert words.long_date("2026-12-08", "en") == "Tuesday 8 December 2026"
    assert words.long_date("2026-12-08", "es") == "martes 8 de diciembre de 2026"


def test_the_browser_language_picks_by_weight():
    assert words.from_accept_language("en;q=0.4, es-MX;q=0.9") == "es"
    assert words.from_accept_language("fr, de") == "en"
    assert words.from_accept_language(None) == "en"
