"""What every write shares: bad input changes nothing, a batch is written whole or not at all."""

import pytest

from kiosk.ledger import InvalidInput


def test_bad_fields_change_nothing(fresh_ledger):
    before = len(fresh_ledger.events())
    for call in (lambda: fresh_ledger.add_tool("X", ""), lambda: fresh_ledger.add_tool("X", "Saw", loan_days="seven"),
                 lambda: fresh_ledger.add_tool("X", "Saw", colour="red"), lambda: fresh_ledger.add_tool("X", "Saw", status="lost"),
                 lambda: fresh_ledger.add_member("M", "Ana", expires="next year"),
                 lambda: fresh_ledger.configure(open_weekdays=["funday"])):
        with pytest.raises(InvalidInput):
            call()
    assert len(fresh_ledger.events()) == before


def test_a_batch_is_written_whole_or_not_at_all(fresh_ledger):
    with pytest.raises(InvalidInput):
        with fresh_ledger.batch():
            fresh_ledger.add_tool("B1", "Saw")
            fresh_ledger.add_tool("B2", "Drill")
            fresh_ledger.add_tool("B1", "Saw again")  # duplicate code: the batch fails
    assert fresh_ledger.list_tools() == []
    with fresh_ledger.batch():
        fresh_ledger.add_tool("B1", "Saw")
        with pytest.raises(InvalidInput):
            fresh_ledger.add_tool("B1", "Saw again")  # refused step, caught: only it is undone
        fresh_ledger.add_tool("B2", "Drill")
    assert [t["code"] for t in fresh_ledger.list_tools()] == ["B2", "B1"]
    sequences = [e.seq for e in fresh_ledger.events()]
    assert sequences == list(range(1, len(sequences) + 1))
