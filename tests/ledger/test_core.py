"""What every write shares: bad input changes nothing, a batch is written whole or not at all."""

import time
import uuid

import pytest

from kiosk.ledger import InvalidInput
from kiosk.ledger.ids import uuid7


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


def test_event_ids_are_uuid7_as_the_uuid_module_writes_them():
    ids = [uuid7() for _ in range(1000)]
    assert len(set(ids)) == len(ids)
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text and parsed.version == 7 and parsed.variant == uuid.RFC_4122
        assert abs((parsed.int >> 80) - time.time_ns() // 1_000_000) < 60_000   # milliseconds of now


def test_a_long_batch_keeps_only_what_it_read_since_its_last_change(fresh_ledger):
    with fresh_ledger.batch():
        for i in range(200):   # an import: each tool read before and after it is written
            fresh_ledger.add_tool(f"T{i}", "Saw")
        assert len(fresh_ledger._conn.kept) <= 2
    assert fresh_ledger._conn.kept is None and len(fresh_ledger.list_tools()) == 200
