"""``Tx.rows_among``: rows found by a list of keys, the same on SQLite and PostgreSQL; on PostgreSQL one
index lookup per key, even in a table grown since its statistics were last gathered."""

from __future__ import annotations

import pytest

from sync.server.db import Tx, open_database
from sync.server.sqlstore.derived import LOAN_COLUMNS


@pytest.fixture(params=["sqlite", "postgres"])
def db(request, tmp_path):
    target = tmp_path / "server" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    database = open_database(target)
    yield database
    database.close()


def _loans(tx: Tx, count: int) -> None:
    tx.insert("loans", LOAN_COLUMNS, [
        (f"L{n}", "maple" if n % 2 else "oak", f"T{n % 7}", f"E{n}", n, "D", n, "2026-12-01", n, "D",
         None, None, None, None, None) for n in range(count)])


def test_rows_among_finds_each_key_once_with_the_extra_condition(db):
    with db.write() as tx:
        _loans(tx, 50)
        assert tx.rows_among("loans", "id", []) == []
        found = tx.rows_among("loans", "id", ["L1", "L2", "L3", "L1", "nope"], columns="id, library")
        assert sorted((r["id"], r["library"]) for r in found) == [("L1", "maple"), ("L2", "oak"), ("L3", "maple")]
        maple = tx.rows_among("loans", "id", ["L1", "L2", "L3"], where="library = ?", args=["maple"])
        assert sorted(r["id"] for r in maple) == ["L1", "L3"]
        by_tool = tx.rows_among("loans", "tool", ["T3", "T3"], columns="id", where="library = ? AND opened_seq < ?",
                                args=["maple", 20])
        assert sorted(r["id"] for r in by_tool) == ["L17", "L3"]
        by_number = tx.rows_among("loans", "opened_seq", [4, 5, 4], columns="id")
        assert sorted(r["id"] for r in by_number) == ["L4", "L5"]


def test_on_postgres_each_key_is_an_index_lookup_whatever_the_statistics(pg_url, monkeypatch):
    db = open_database(pg_url)
    statements = []
    rows = Tx.rows
    try:
        with db.write() as tx:
            _loans(tx, 5000)   # never analyzed: the planner knows nothing of what the table holds
            monkeypatch.setattr(Tx, "rows",
                                lambda self, sql, args=(): statements.append((sql, args)) or rows(self, sql, args))
            found = tx.rows_among("loans", "id", [f"L{n}" for n in range(0, 5000, 25)])
            monkeypatch.undo()
            assert len(found) == 200
            [(sql, args)] = statements
            plan = "\n".join(r["QUERY PLAN"] for r in tx.rows("EXPLAIN " + sql, args))
    finally:
        db.close()
    assert "Index Scan using loans_pkey" in plan
    assert not any(scan in plan for scan in ("Seq Scan", "Hash", "Bitmap")), plan


AWKWARD = ['say "hi"', "back\\slash", "a,b", "{braces}", " spaced ", "NULL", "", "ünïcødé", "tab\there"]


def test_keys_of_any_text_are_found_by_both_kinds_of_lookup(db):
    with db.write() as tx:
        tx.insert("conflicts", ("id", "library", "event_id"), [(key, "maple", f"E{n}") for n, key in enumerate(AWKWARD)])
        tx.insert("conflicts", ("id", "library", "event_id"), [("other", "maple", "E99")])
        assert sorted(r["id"] for r in tx.rows_among("conflicts", "id", AWKWARD)) == sorted(AWKWARD)
        in_keys, args = tx.among(AWKWARD)
        assert sorted(r["id"] for r in tx.rows(f"SELECT id FROM conflicts WHERE id {in_keys}", args)) == sorted(AWKWARD)
        in_none, args = tx.among([])
        assert tx.rows(f"SELECT id FROM conflicts WHERE id {in_none}", args) == []
