"""The server's loan rules (``sync.server.derive``) against their plain statement: a loan is closed by
the earliest return that names it, or that names no loan and comes after it for the same tool."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.server.derive import Loan, Return, close_loans

TOOLS = ["T1", "T2", "T3"]
LOAN_IDS = ["L1", "L2", "L3", "L4", "L5"]
DEVICES = ["A", "B"]


def _closes(ret: Return, loan: Loan) -> bool:
    if loan.opened is None or ret.library != loan.library:
        return False
    if ret.loan_id is not None:
        return ret.loan_id == loan.id
    return ret.tool == loan.tool and ret.key > loan.opened


def _expected(loans: list[Loan], returns: list[Return]) -> None:
    """Every loan against every return, in the returns' order."""
    ordered = sorted(returns, key=lambda r: r.key)
    for loan in loans:
        for ret in ordered:
            if loan.closed is not None and ret.key >= loan.closed:
                break
            if _closes(ret, loan):
                loan.closed, loan.closed_by, loan.closed_at = ret.key, ret.event_id, ret.at
                loan.changed = True
                break


keys = st.tuples(st.integers(1, 30), st.sampled_from(DEVICES), st.integers(1, 5))


@st.composite
def loans_and_returns(draw) -> tuple[list[Loan], list[Return]]:
    loans = []
    for loan_id in draw(st.lists(st.sampled_from(LOAN_IDS), unique=True)):
        opened = draw(st.none() | keys)
        loan = Loan(loan_id, draw(st.sampled_from(["maple", "oak"])), None if opened is None else draw(st.sampled_from(TOOLS)),
                    opened, opened and f"open-{loan_id}")
        if opened is not None and draw(st.booleans()):  # already closed by a stored return
            loan.closed, loan.closed_by, loan.closed_at = draw(keys), "stored", "2026-01-01"
        loans.append(loan)
    returns = {}
    for key in draw(st.lists(keys, unique=True, max_size=12)):
        returns[key] = Return(f"ret-{key}", draw(st.sampled_from(["maple", "oak"])), draw(st.sampled_from(TOOLS)),
                              draw(st.none() | st.sampled_from(LOAN_IDS)), key, f"2026-01-{key[0]:02}")
    return loans, list(returns.values())


@settings(max_examples=500, deadline=None)
@given(loans_and_returns())
def test_each_loan_is_closed_by_its_earliest_closing_return(case):
    loans, returns = case
    expected = copy.deepcopy(loans)
    _expected(expected, returns)
    close_loans(loans, reversed(returns))
    assert loans == expected
