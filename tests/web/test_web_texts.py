"""Every text of the web pages that speak Spanish (the public catalog, the members' pages, the impact
report) has its Spanish in the one catalog they share, keeping the text's placeholders, and the catalog
holds no text that none of them uses."""

from __future__ import annotations

import ast
import re

from kiosk.po import read_po
from sync.server.web import report_text
from sync.server.web.members import words
from sync.server.web.public.i18n import MONTHS
from tests.worktree import REPO

WEB = REPO / "sync" / "server" / "web"
GETTEXT = re.compile(r"""\b_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\)""")
MEMBER_TEXT = re.compile(r"""\bt\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")


def _found(pattern: re.Pattern, paths) -> set[str]:
    return {double or single for path in paths for double, single in pattern.findall(path.read_text(encoding="utf-8"))}


def public_texts() -> set[str]:
    return _found(GETTEXT, [*sorted((WEB / "templates/public").glob("*.html")), *sorted((WEB / "public").glob("*.py"))])


def member_texts() -> set[str]:
    return (_found(MEMBER_TEXT, (WEB / "templates/member").glob("*.html")) | _member_route_texts()
            | set(words.RENEWAL_REFUSALS.values()))


def _member_route_texts() -> set[str]:
    """English sentences the member modules pass to pages: in calls, tuples and dicts (not docstrings or SQL)."""
    found = set()
    for path in (WEB / "members").glob("*.py"):
        if path.name == "words.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args:
                if isinstance(node.args[0], ast.Constant):   # t("...") of any shape: messages, several lines
                    found.add(node.args[0].value)
                continue
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


def test_every_web_text_has_its_spanish_with_the_same_placeholders():
    spanish = read_po(REPO / "assets/locale/es/LC_MESSAGES/web.po")
    public, member, report = public_texts(), member_texts(), set(report_text.ENGLISH.values())
    assert len(public) > 40 and len(member) > 50   # the patterns do find the texts
    used = public | member | report | set(MONTHS) | set(words.WEEKDAYS)   # dates' names are looked up by name
    missing = sorted(t for t in used if not spanish.get(t))
    assert missing == []
    for text in used:
        assert sorted(PLACEHOLDER.findall(spanish[text])) == sorted(PLACEHOLDER.findall(text)), text
    assert sorted(set(spanish) - used - {""}) == []   # and no text left behind by a change
