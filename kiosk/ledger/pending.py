"""Recomputations put off while many events are applied at once (``bulk_apply``).

An event changes its own rows at once; what it makes stale (a tool's
conflicts, provisional flags and status, a loan's renewals, a hold's row, the
search index) is noted here instead, and recomputed once per tool, loan or
hold when the batch ends. The recomputations give the same rows whatever the
order of events before them, so doing each once at the end gives the same
tables as doing it after every event.
"""

from __future__ import annotations

import contextlib
import sqlite3
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Iterator

Tool = tuple[str, str]  # (library, code)


@dataclass
class Pending:
    conn: sqlite3.Connection
    loan_tools: dict[Tool, int] = field(default_factory=dict)     # tool -> earliest clock its loans changed at
    hold_tools: dict[Tool, int] = field(default_factory=dict)     # tool -> earliest clock its holds changed at
    holds: dict[tuple[str, str], int] = field(default_factory=dict)  # (library, hold id) -> earliest event clock
    status: set[Tool] = field(default_factory=set)
    copy_keys: set[Tool] = field(default_factory=set)
    index: set[Tool] = field(default_factory=set)
    renewals: set[str] = field(default_factory=set)               # loan ids
    # tools a rebuild found with no two loans out at once and no return that closed none of them:
    # unless the server reported a conflict on one, recomputing their conflicts would change nothing
    no_loan_conflicts: set[Tool] = field(default_factory=set)

    def note_loans(self, library: str, tool: str, since_hlc: int) -> None:
        _earliest(self.loan_tools, (library, tool), since_hlc)

    def note_holds(self, library: str, tool: str, since_hlc: int) -> None:
        _earliest(self.hold_tools, (library, tool), since_hlc)

    def note_hold(self, library: str, hold_id: str, hlc: int) -> None:
        _earliest(self.holds, (library, hold_id), hlc)


def _earliest(clocks: dict, key: tuple, hlc: int) -> None:
    clocks[key] = min(hlc, clocks.get(key, hlc))


_current: ContextVar[Pending | None] = ContextVar("pending", default=None)


def active(conn: sqlite3.Connection) -> Pending | None:
    """The batch being applied on this connection, if any: then note, do not recompute."""
    pending = _current.get()
    return pending if pending is not None and pending.conn is conn else None


@contextlib.contextmanager
def deferring(conn: sqlite3.Connection) -> Iterator[Pending]:
    """While inside, projections note what to recompute instead of recomputing it."""
    pending = Pending(conn)
    token = _current.set(pending)
    try:
        yield pending
    finally:
        _current.reset(token)
