"""Moving a library here from the system it uses today, and back out: CSV import and export.

    from kiosk import transfer
    report = transfer.import_tools(ledger, Path("items.csv"))            # layout detected from the header
    report = transfer.import_members(ledger, Path("contacts.csv"), layout="lendengine", dry_run=True)
    print("\\n".join(report.summary_lines()))
    transfer.export_tools(ledger, sys.stdout)                           # our own ("generic") layout

Imported tools keep the code the old system labelled them with (myTurn "Item ID",
Lend Engine "Code", Circulate "complete_number"), so existing labels keep working.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.ledger import Ledger
from kiosk.transfer import importer
from kiosk.transfer.errors import UnknownLayout, UnreadableFile
from kiosk.transfer.exporter import export_members, export_tools
from kiosk.transfer.report import BadRow, ImportReport

FORMATS = ("myturn", "lendengine", "circulate", "generic")

__all__ = [
    "FORMATS", "BadRow", "ImportReport", "UnknownLayout", "UnreadableFile", "export_members", "export_tools",
    "import_members", "import_tools",
]


def import_tools(ledger: Ledger, path: Path, *, layout: str | None = None, dry_run: bool = False,
                 skip_bad: bool = False) -> ImportReport:
    """Imports tools from a CSV file in one of FORMATS (detected from the header row when ``layout`` is None).

    Every row is checked first; nothing is written unless all are good, or ``skip_bad``
    says to write the good ones. Importing the same file twice adds nothing. Raises
    UnreadableFile or UnknownLayout (both InvalidInput) for a file it cannot read at all."""
    return importer.import_file(ledger, path, importer.TOOLS, layout=layout, dry_run=dry_run, skip_bad=skip_bad)


def import_members(ledger: Ledger, path: Path, *, layout: str | None = None, dry_run: bool = False,
                   skip_bad: bool = False) -> ImportReport:
    """Imports members as import_tools does tools. Only what lending needs is kept:
    name, email, phone, membership expiry, card code, notes (and, from our own layout,
    loan limit and status); addresses and the like are reported as columns not imported."""
    return importer.import_file(ledger, path, importer.MEMBERS, layout=layout, dry_run=dry_run, skip_bad=skip_bad)
