"""Keeps the translation catalogs (the .po sources in a checkout's assets/locale) in step with the code.

    python -m kiosk.ui.catalog           # add new texts to every .po, report what is untranslated
    python -m kiosk.ui.catalog --check   # exit 1 when a text is missing or untranslated

Texts are found in ``_("...")``, ``N_("...")`` (Python) and ``tr._("...")``
(.kv). English's catalog maps every text to itself, so a reviewer sees the
full list in either file.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

from kiosk.po import read_po
from kiosk.ui.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

UI_DIR = Path(__file__).resolve().parent
KV_TEXT = re.compile(r"""tr\._\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*\)""")


def extract() -> dict[str, list[str]]:
    """Every translatable text, with where it is used."""
    found: dict[str, list[str]] = {}
    for path in sorted(UI_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str) and _called(node) in ("_", "N_")):
                found.setdefault(node.args[0].value, []).append(f"{path.relative_to(UI_DIR)}:{node.lineno}")
    for path in sorted(UI_DIR.rglob("*.kv")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in KV_TEXT.finditer(line):
                found.setdefault(ast.literal_eval(match.group(1)), []).append(f"{path.relative_to(UI_DIR)}:{number}")
    return found


def _called(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def write_po(path: Path, lang: str, texts: dict[str, list[str]], translations: dict[str, str]) -> None:
    lines = [
        f"# {LANGUAGES[lang]} texts of the Tool Library Kiosk screens.",
        'msgid ""',
        'msgstr ""',
        f'"Language: {lang}\\n"',
        '"MIME-Version: 1.0\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
        "",
    ]
    for text in sorted(texts):
        value = text if lang == "en" else translations.get(text, "")
        lines += [f"#: {' '.join(texts[text][:3])}", f"msgid {_quote(text)}", f"msgstr {_quote(value)}", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def problems() -> dict[str, list[str]]:
    """Per language, the texts its catalog lacks or leaves untranslated."""
    texts = extract()
    result = {}
    for lang in LANGUAGES:
        path = po_path(lang)
        catalog = read_po(path) if path.exists() else {}
        result[lang] = sorted(t for t in texts if not catalog.get(t))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report; exit 1 when a catalog is incomplete")
    args = parser.parse_args(argv)
    if not args.check:
        texts = extract()
        for lang in LANGUAGES:
            path = po_path(lang)
            write_po(path, lang, texts, read_po(path) if path.exists() else {})
    missing = problems()
    for lang, texts in missing.items():
        for text in texts:
            print(f"{lang}: untranslated: {text!r}")
    return 1 if any(missing.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
