"""Importing tools and members from a CSV file: read it, check every row, then write.

Nothing is written unless every row is good, or bad rows are to be skipped.
Importing the same file twice adds nothing: a code the ledger already has with
the same values is left alone, one with other values gets an edit of only the
fields that differ. The whole file is written in one ledger transaction, so a
crash halfway through leaves nothing of it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from kiosk.ledger import InvalidInput, Ledger
from kiosk.ledger.core import clean_fields
from kiosk.ledger.events import MEMBER_FIELDS, TOOL_FIELDS, check_fields
from kiosk.ledger.limits import check_code
from kiosk.transfer.errors import UnknownLayout
from kiosk.transfer.layouts import MEMBER_LAYOUTS, TOOL_LAYOUTS, Layout, Record, best_fit, choose
from kiosk.transfer.reader import Table, column_key, read_table
from kiosk.transfer.report import BadRow, ImportReport
from kiosk.transfer.values import ON_LOAN


@dataclass(frozen=True)
class Target:
    """What an import writes: tools or members, and the ledger calls for them."""

    kind: str                                   # "tools" or "members"
    code_word: str                              # how people call the code in this kind
    default_status: str                         # what a blank status means in the ledger
    layouts: dict[str, Layout]
    existing: Callable[[Ledger], list[dict[str, Any]]]
    add: Callable[..., Any]
    edit: Callable[..., Any]
    what: str                                   # the ledger's name for the kind, for its field checks
    fields: dict[str, Any]                      # the fields the ledger takes


TOOLS = Target("tools", "code", "available", TOOL_LAYOUTS, Ledger.list_tools, Ledger.add_tool, Ledger.edit_tool,
               "tool", TOOL_FIELDS)
MEMBERS = Target("members", "card code", "active", MEMBER_LAYOUTS, Ledger.list_members, Ledger.add_member,
                 Ledger.edit_member, "member", MEMBER_FIELDS)


def import_file(ledger: Ledger, path: Path, target: Target, *, layout: str | None, dry_run: bool,
                skip_bad: bool) -> ImportReport:
    table = read_table(Path(path))
    chosen, detected = choose(table.columns, target.layouts, layout)
    if detected:
        _refuse_the_other_kind(table.columns, chosen, target)
    records, bad_rows = _check_rows(table, chosen, target)
    existing = {item["code"]: item for item in target.existing(ledger)}
    plan = [(record, _changes(existing.get(record.code), record, target)) for record in records]
    article = "an" if chosen.title[0].lower() in "aeiou" else "a"
    report = ImportReport(
        layout=chosen.name, kind=target.kind, dry_run=dry_run, skip_bad=skip_bad,
        read_as=f"{article} {chosen.title} export" + (" (detected from the header row)" if detected else ""),
        added=sum(changes is None for _, changes in plan),
        updated=sum(bool(changes) for _, changes in plan),
        unchanged=sum(changes == {} for _, changes in plan),
        bad_rows=bad_rows,
        unknown_columns=[c for c in table.columns if column_key(c) not in chosen.keys],
        notes=table.notes + _remark_notes(records, target),
    )
    if dry_run or (bad_rows and not skip_bad):
        return report
    with ledger.batch():  # the whole file, or nothing
        for record, changes in plan:
            if changes is None:
                target.add(ledger, record.code, record.name, **record.fields)
            elif changes:
                target.edit(ledger, record.code, **changes)
    report.written = True
    return report


def _refuse_the_other_kind(columns: list[str], chosen: Layout, target: Target) -> None:
    """A tools file given to the members import (or the other way round) fits our own bare layout; say so."""
    other = MEMBERS if target is TOOLS else TOOLS
    rival = best_fit(columns, other.layouts)
    if rival is not None and rival[1] > chosen.score(columns):
        raise UnknownLayout(f"this looks like a {rival[0].title} export, not {target.kind}: "
                            f"import it as {other.kind}")


def _check_rows(table: Table, layout: Layout, target: Target) -> tuple[list[Record], list[BadRow]]:
    """Every row parsed and checked before anything is written: the good records, and the bad rows."""
    records, bad_rows = [], list(table.bad_rows)
    first_line: dict[str, int] = {}
    for row in table.rows:
        record, problems = layout.record(row.values)
        if record.code in first_line:
            problems.append(f"the {target.code_word} {record.code} is already on line {first_line[record.code]}")
        elif record.code:
            first_line[record.code] = row.line
        problems = problems or _refused_by_ledger(record, target)
        if problems:
            bad_rows.append(BadRow(row.line, "; ".join(problems)))
        else:
            records.append(record)
    return records, sorted(bad_rows, key=lambda bad: bad.line)


def _refused_by_ledger(record: Record, target: Target) -> list[str]:
    """What the ledger would refuse of a record (a value out of range, an address that is none), found
    here so the report names its line and nothing is written."""
    try:
        if record.code:
            check_code(record.code, f"the {target.code_word}")
        check_fields(clean_fields({"name": record.name, **record.fields}), target.fields, target.what)
    except InvalidInput as exc:
        return [str(exc)]
    return []


def _changes(existing: dict[str, Any] | None, record: Record, target: Target) -> dict[str, Any] | None:
    """None for a new code; else the fields whose values differ from the ledger's (empty: unchanged)."""
    if existing is None:
        return None
    wanted = {"name": record.name, **record.fields}
    return {name: value for name, value in wanted.items()
            if _comparable(name, value, target) != _comparable(name, existing.get(name), target)}


def _comparable(name: str, value: Any, target: Target) -> Any:
    """Values as the ledger would store them: text trimmed, empty as nothing, a blank status as the default."""
    if isinstance(value, str):
        value = value.strip() or None
    if isinstance(value, list):
        value = value or None
    if name == "status":
        # a tool on loan here shows "on_loan", which is no status an import can set
        value = target.default_status if value in (None, ON_LOAN) else value
    return value


def _remark_notes(records: list[Record], target: Target) -> list[str]:
    counts = Counter(remark for record in records for remark in record.remarks)
    noun = target.kind.rstrip("s")
    return [f"{n} {noun if n == 1 else target.kind} {remark}." for remark, n in counts.items()]
