"""Members' language from the command line and from an import file: checked where it enters."""

from __future__ import annotations

from kiosk.transfer import import_members
from tests.test_cli import toolkiosk


def test_the_command_line_sets_and_changes_a_members_language(tmp_path):
    home = tmp_path / "home"
    assert toolkiosk(home, "init", "--library", "maple", "--name", "Maple").returncode == 0
    added = toolkiosk(home, "members", "add", "--code", "M1", "--name", "Lucía Pérez", "--language", "es", "--format", "json")
    assert added.returncode == 0, added.stderr
    assert '"language": "es"' in added.stdout
    refused = toolkiosk(home, "members", "edit", "M1", "--language", "fr")
    assert refused.returncode != 0 and "language must be one of en, es" in refused.stderr
    changed = toolkiosk(home, "members", "edit", "M1", "--language", "en", "--format", "json")
    assert changed.returncode == 0 and '"language": "en"' in changed.stdout


def test_an_import_reads_languages_as_other_systems_write_them(ledger, write_csv):
    path = write_csv("code,name,language\nM1,Ana,Spanish\nM2,Ben,en\nM3,Lucía,Español\nM4,Olga,es-MX\nM5,Jean,French\nM6,Kiri,\n")
    report = import_members(ledger, path, skip_bad=True)
    assert {m["code"]: m["language"] for m in ledger.list_members()} == {
        "M1": "es", "M2": "en", "M3": "es", "M4": "es", "M6": None}
    assert [(bad.line, "not a language the kiosk speaks" in bad.message) for bad in report.bad_rows] == [(6, True)]
