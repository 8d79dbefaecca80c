"""What the server works out from loans and returns, by the kiosks' own rules.

A loan is closed by the earliest return that names it, or that names no loan,
concerns the same tool of the same library and comes after it, ordered by
(hlc, device, seq). Two loans of one tool overlap when the earlier is still
open when the later opens: a double checkout, with the same conflict id and
the same provisional loan as every kiosk derives (``kiosk.ledger.projections``).

Pure: rows in, rows out. The storage loads only the loans and returns a batch
can touch, which is enough because closing only ever moves to an earlier
return and a new overlap always involves a new loan.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterable

Key = tuple[int, str, int]


@dataclass
class Loan:
    id: str
    library: str
    tool: str | None
    opened: Key | None               # None: only a renewal has been seen so far
    opened_event: str | None = None
    due: str | None = None
    due_clock: tuple[int, str] | None = None
    closed: Key | None = None
    closed_by: str | None = None
    closed_at: str | None = None
    changed: bool = False


@dataclass(frozen=True)
class Return:
    event_id: str
    library: str
    tool: str
    loan_id: str | None
    key: Key
    at: str


def close_loans(loans: Iterable[Loan], returns: Iterable[Return]) -> None:
    """Gives each loan its earliest closing return among ``returns``, marking the changed ones.

    The returns are sorted once and filed by the loan they name or, naming none, by their tool, so a
    loan meets only the returns that could close it; among its tool's, the first after it is found by
    bisection (a kiosk back after weeks offline brings returns older than many loans of its tools)."""
    naming: dict[tuple[str, str], Return] = {}              # the earliest return naming each loan
    by_tool: dict[tuple[str, str], list[Return]] = {}       # returns naming no loan, earliest first
    for ret in sorted(returns, key=_return_key):
        if ret.loan_id is not None:
            naming.setdefault((ret.library, ret.loan_id), ret)
        else:
            by_tool.setdefault((ret.library, ret.tool), []).append(ret)
    for loan in loans:
        if loan.opened is None:
            continue
        first = naming.get((loan.library, loan.id))
        # the earliest return of its tool after it opened (the tool's returns are in order)
        of_tool = by_tool.get((loan.library, loan.tool), [])
        at = bisect_right(of_tool, loan.opened, key=_return_key)
        after = of_tool[at] if at < len(of_tool) else None
        if after is not None and (first is None or after.key < first.key):
            first = after
        if first is not None and (loan.closed is None or first.key < loan.closed):
            loan.closed, loan.closed_by, loan.closed_at = first.key, first.event_id, first.at
            loan.changed = True


def _return_key(ret: Return) -> Key:
    return ret.key


def renew(loan: Loan, due: str, clock: tuple[int, str]) -> None:
    """Last writer wins on the due date, between the opening and each renewal."""
    if loan.due_clock is None or clock > loan.due_clock:
        loan.due, loan.due_clock, loan.changed = due, clock, True


def double_checkouts(loans: Iterable[Loan]) -> list[tuple[Loan, Loan]]:
    """Pairs (earlier, later) of loans of one tool that overlap, as the kiosks find them."""
    ordered = sorted((l for l in loans if l.opened is not None), key=lambda l: l.opened)
    pairs = []
    for i, first in enumerate(ordered):
        for second in ordered[i + 1:]:
            if first.closed is not None and first.closed <= second.opened:
                break
            pairs.append((first, second))
    return pairs


def conflict_id(first: Loan, second: Loan) -> str:
    return f"double:{first.id}:{second.id}"
