"""What an import did (or, in a dry run or with bad rows, would do), in plain English."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class BadRow:
    line: int       # physical line in the file, the header being line 1
    message: str


@dataclass
class ImportReport:
    """The counts are the good rows as planned; ``written`` says whether they were written.
    Nothing is written in a dry run, nor when a row is bad and bad rows are not skipped."""

    layout: str                      # one of FORMATS
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)  # columns whose contents were not imported
    notes: list[str] = field(default_factory=list)
    written: bool = False
    kind: str = "tools"              # "tools" or "members"
    read_as: str = ""                # e.g. "a myTurn items export (detected from the header row)"
    dry_run: bool = False
    skip_bad: bool = False

    def summary_lines(self) -> list[str]:
        lines = [f"Read as {self.read_as}."] if self.read_as else []
        blocked = bool(self.bad_rows) and not self.skip_bad
        if self.written:
            lines.append(f"Added {self._count(self.added)}, updated {self.updated}, {self.unchanged} unchanged.")
        elif self.dry_run:
            lines.append("Dry run, nothing written" + ("." if blocked else
                         f": would add {self._count(self.added)}, update {self.updated}, "
                         f"leave {self.unchanged} unchanged."))
        if self.bad_rows:
            bad = _plural(len(self.bad_rows), "bad row")
            if blocked:
                good = _plural(self.added + self.updated + self.unchanged, "row")
                lines.append(f"Nothing {'would be' if self.dry_run else 'was'} written: {bad}. "
                             f"Fix them, or run again with --skip-bad to import the other {good}:")
            else:
                lines.append(f"{'Would skip' if self.dry_run else 'Skipped'} {bad}:")
            lines += [f"  line {row.line}: {row.message}" for row in self.bad_rows]
        if self.unknown_columns:
            lines.append("Columns not imported (no matching field here): " + ", ".join(self.unknown_columns) + ".")
        return lines + self.notes

    def _count(self, n: int) -> str:
        return _plural(n, self.kind.rstrip("s"))


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
