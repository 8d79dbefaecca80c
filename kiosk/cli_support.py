"""What every `toolkiosk` command shares: the home folder, the open ledger, output.

Each area of the kiosk adds its commands through ``add_commands(subparsers)``;
a command's handler is ``handler(args, ctx) -> int``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from kiosk import csvcell


class CommandError(Exception):
    """A message for the person at the command line; the command exits non-zero."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


def default_home() -> Path:
    """Where the database, photos and config live when --home is not given."""
    if os.environ.get("TOOLKIOSK_HOME"):
        return Path(os.environ["TOOLKIOSK_HOME"])
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "toolkiosk"


@dataclass
class Context:
    """Lazily opens the ledger in the home folder; commands that need none never touch it."""

    home: Path
    format: str = "table"
    out: Any = field(default_factory=lambda: sys.stdout)
    _ledger: Any = None

    @property
    def ledger(self):
        if self._ledger is None:
            from kiosk.ledger import Ledger

            self._ledger = Ledger.open(self.home)
        return self._ledger

    def close(self) -> None:
        if self._ledger is not None:
            self._ledger.close()
            self._ledger = None

    def print(self, text: str = "") -> None:
        print(text, file=self.out)

    def emit(self, rows: Sequence[dict], columns: Sequence[str]) -> None:
        """Prints rows in the chosen --format: an aligned table, CSV, or a JSON list."""
        if self.format == "json":
            self.print(json.dumps(list(rows), indent=2, ensure_ascii=False, default=str))
        elif self.format == "csv":
            buf = io.StringIO()
            writer = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            writer.writerows(csvcell.row(r) for r in rows)  # opened in a spreadsheet: no formulas
            self.out.write(buf.getvalue())
        else:
            self.print(format_table(rows, columns))

    def emit_object(self, obj: dict, *, title: str | None = None) -> None:
        if self.format == "json":
            self.print(json.dumps(obj, indent=2, ensure_ascii=False, default=str))
            return
        if title:
            self.print(title)
        width = max((len(k) for k in obj), default=0)
        for key, value in obj.items():
            if value in (None, "", [], {}):
                continue
            if isinstance(value, (list, dict)):
                value = json.dumps(value, ensure_ascii=False)
            self.print(f"{key.ljust(width)}  {value}")


def format_table(rows: Sequence[dict], columns: Sequence[str]) -> str:
    if not rows:
        return "(none)"
    cells = [[("" if r.get(c) is None else str(r.get(c))) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines)
