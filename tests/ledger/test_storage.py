"""The database file itself: migrations, and files that are not what they should be."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from datetime import timedelta

import pytest

from kiosk.ledger import DiskFull, Ledger, NotADatabase, NotInitialized, ReadOnly
from kiosk.ledger import schema
from kiosk.ledger.store import connect


def _as_older_schema(path, version: int) -> None:
    """Turns a new file back into what an older version of toolkiosk wrote."""
    conn = sqlite3.connect(path)
    if version < 7:
        conn.execute("DROP INDEX loans_open_member")
        conn.execute("CREATE INDEX loans_open_member ON loans (library, member_code) WHERE closed_by IS NULL")
        conn.execute("CREATE INDEX loans_open_due ON loans (due) WHERE closed_by IS NULL")
        conn.execute("CREATE INDEX loans_closed_at ON loans (closed_at) WHERE member_code IS NOT NULL")
    if version < 6:
        for column in ("reminders_email", "reminders_sms", "forgotten_hlc"):
            conn.execute(f"ALTER TABLE members DROP COLUMN {column}")
    if version < 5:
        conn.execute("DROP TABLE repairs")
        conn.execute("DROP INDEX loans_report")
        conn.execute("DROP INDEX tools_report")
        for table, column in (("members", "area"), ("members", "joined"), ("tools", "added_at"),
                              ("loans", "borrower_tag"), ("loans", "borrower_area"), ("loans", "borrower_joined")):
            conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    if version < 4:
        conn.execute("DROP TABLE inventories")
        conn.execute("DROP TABLE inventory_seen")
        conn.execute("ALTER TABLE members DROP COLUMN waiver_language")
    if version < 3:
        for index in ("tools_copy_key",):
            conn.execute(f"DROP INDEX {index}")
        conn.execute("DROP TABLE holds")
        for table, column in (("tools", "copy_group"), ("tools", "copy_key"), ("conflicts", "hold_a"),
                              ("conflicts", "hold_b"), ("partner_availability", "waiting"),
                              ("members", "language")):
            conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    if version < 2:
        conn.execute("DROP TABLE tools_fts")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()


def test_a_file_made_by_schema_1_is_upgraded_and_its_tools_become_searchable(tmp_path):
    home = tmp_path / "home"
    ledger = Ledger.create(home, library="maple", name="Maple")
    ledger.add_tool("T1", "Cordless drill", brand="Makita")
    ledger.close()
    _as_older_schema(home / "ledger.db", 1)  # no search index yet

    upgraded = Ledger.open(home)
    assert schema.version(upgraded._conn) == schema.LATEST
    assert [t["code"] for t in upgraded.search_tools("makita")] == ["T1"]
    assert upgraded.tool("T1")["name"] == "Cordless drill"


def test_a_file_made_by_schema_2_is_upgraded_and_its_copies_can_be_held_as_any_copy(tmp_path):
    home = tmp_path / "home"
    ledger = Ledger.create(home, library="maple", name="Maple")
    ledger.configure(open_weekdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    for code in ("T1", "T2"):
        ledger.add_tool(code, "Tile saw", category="Power tools")
    ledger.add_member("M1", "Ana Lopez", expires="2099-01-01")
    ledger.accept_waiver("M1")
    ledger.close()
    _as_older_schema(home / "ledger.db", 2)

    upgraded = Ledger.open(home)
    assert schema.version(upgraded._conn) == schema.LATEST
    hold = upgraded.place_hold("M1", "T1", any_copy=True)
    assert hold["status"] == "ready" and upgraded.tool(hold["tool_code"])["status"] == "on_hold_shelf"
    before = upgraded.projection_snapshot()
    upgraded.rebuild()
    assert upgraded.projection_snapshot() == before


def test_a_file_made_by_schema_3_gets_waiver_languages_and_inventory_checks(tmp_path):
    home = tmp_path / "home"
    ledger = Ledger.create(home, library="maple", name="Maple")
    ledger.add_member("M1", "Ana Ruiz")
    ledger.add_tool("T1", "Cordless drill")
    ledger.close()
    _as_older_schema(home / "ledger.db", 3)

    upgraded = Ledger.open(home)
    assert schema.version(upgraded._conn) == schema.LATEST
    assert upgraded.accept_waiver("M1", "es")["waiver_language"] == "es"
    check = upgraded.start_inventory()
    upgraded.inventory_seen(check["id"], "T1")
    assert upgraded.open_inventory()["seen"] == {"T1"}


def test_a_file_made_by_schema_4_gets_repairs_and_what_the_impact_report_counts(tmp_path):
    home = tmp_path / "home"
    ledger = Ledger.create(home, library="maple", name="Maple")
    ledger.configure(open_weekdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    ledger.add_member("M1", "Ana Ruiz", expires="2099-01-01")
    ledger.accept_waiver("M1")
    ledger.add_tool("T1", "Cordless drill", replacement_value=90)
    ledger.checkout("M1", ["T1"])
    today = ledger.today()
    ledger.close()
    _as_older_schema(home / "ledger.db", 4)

    upgraded = Ledger.open(home)
    assert schema.version(upgraded._conn) == schema.LATEST
    assert upgraded.member("M1")["joined"] == today.isoformat()   # from the stamp of its adding event
    report = upgraded.impact_report(today, today)
    assert (report["loans"], report["borrowers"], report["new_members"], report["tools_added"]) == (1, 1, 1, 1)
    upgraded.checkin("T1", "repair", problem="Sparks")
    assert upgraded.repair_for_tool("T1")["problem"] == "Sparks"


def test_a_file_made_by_schema_5_gets_reminder_preferences_on_the_member_record(tmp_path):
    home = tmp_path / "home"
    ledger = Ledger.create(home, library="maple", name="Maple")
    ledger.add_member("M1", "Ana Ruiz")
    ledger.close()
    _as_older_schema(home / "ledger.db", 5)

    upgraded = Ledger.open(home)
    assert schema.version(upgraded._conn) == schema.LATEST
    assert upgraded.edit_member("M1", reminders_email=1)["reminders_email"] == 1


def test_a_file_made_by_schema_6_counts_open_loans_from_the_index_alone(tmp_path):
    home = tmp_path / "home"
    ledger = Ledger.create(home, library="maple", name="Maple")
    ledger.configure(loan_limit=2)
    ledger.add_member("M1", "Ana Ruiz", expires="2099-01-01")
    ledger.accept_waiver("M1")
    for code in ("T1", "T2", "T3"):
        ledger.add_tool(code, "Cordless drill")
    ledger.checkout("M1", ["T1", "T2"])
    ledger.checkin("T1")
    ledger.close()
    _as_older_schema(home / "ledger.db", 6)

    upgraded = Ledger.open(home)
    assert schema.version(upgraded._conn) == schema.LATEST
    plan = upgraded._conn.execute(
        "EXPLAIN QUERY PLAN SELECT count(*) FROM loans WHERE library = ? AND member_code = ? AND closed_by IS NULL",
        ("maple", "M1")).fetchall()
    assert "COVERING INDEX loans_open_member" in plan[0]["detail"]
    indexes = {r["name"] for r in upgraded._query("SELECT name FROM sqlite_master WHERE tbl_name = 'loans'")}
    assert not indexes & {"loans_open_due", "loans_closed_at"}
    assert [loan["tool_code"] for loan in upgraded.overdue(upgraded.today() + timedelta(days=90))] == ["T2"]
    upgraded.checkout("M1", ["T3"])
    assert upgraded.checkout_refusals("M1", ["T1"])[0].reason == "over_limit"


def test_a_file_from_a_newer_version_is_refused_not_damaged(tmp_path):
    home = tmp_path / "home"
    Ledger.create(home, library="maple", name="Maple").close()
    conn = sqlite3.connect(home / "ledger.db")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    with pytest.raises(Exception, match="newer version of toolkiosk"):
        Ledger.open(home)


def test_a_file_that_is_not_sqlite_gives_one_clear_message(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "ledger.db").write_bytes(b"this is a shopping list, not a database\n" * 200)
    with pytest.raises(NotADatabase, match="is not a SQLite database"):
        Ledger.open(home)
    assert (home / "ledger.db").read_bytes().startswith(b"this is a shopping list")


def test_a_corrupt_file_is_reported(tmp_path):
    home = tmp_path / "home"
    ledger = Ledger.create(home, library="maple", name="Maple")
    for i in range(300):
        ledger.add_tool(f"T{i}", f"Tool number {i}", description="x" * 200)
    ledger.close()
    data = bytearray((home / "ledger.db").read_bytes())
    data[4096 * 3: 4096 * 6] = b"\xde\xad" * 3072
    (home / "ledger.db").write_bytes(bytes(data))
    with pytest.raises(NotADatabase):
        opened = Ledger.open(home)
        opened.list_tools()
        assert opened.integrity_check() == "ok"


def test_no_library_yet_says_how_to_start(tmp_path):
    with pytest.raises(NotInitialized, match="toolkiosk init"):
        Ledger.open(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to read-only files; the read-only disk test covers this as root")
def test_a_read_only_folder_is_reported(tmp_path):
    home = tmp_path / "home"
    Ledger.create(home, library="maple", name="Maple").close()
    os.chmod(home / "ledger.db", 0o444)
    os.chmod(home, 0o555)
    try:
        with pytest.raises(ReadOnly):
            Ledger.open(home).add_tool("T1", "Saw")
    finally:
        os.chmod(home, 0o755)


def _mount_tmpfs(path, size: str) -> bool:
    path.mkdir()
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True).returncode == 0


def test_a_full_disk_refuses_the_write_and_keeps_everything_before_it(tmp_path):
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "600k"):
        pytest.skip("cannot mount a small tmpfs here (needs root); the full-disk path is not exercised")
    try:
        ledger = Ledger.create(disk / "home", library="maple", name="Maple")
        ledger.add_tool("T1", "Saw")
        ledger.add_member("M1", "Ana", expires="2030-01-01")
        ledger.accept_waiver("M1")
        ledger.checkout("M1", ["T1"])
        with pytest.raises(DiskFull, match="no room to write"):
            for i in range(100_000):
                ledger.add_tool(f"F{i}", "Filler", description="x" * 2000)
        added = len(ledger.list_tools())
        ledger.close()
        reopened = Ledger.open(disk / "home")
        assert reopened.integrity_check() == "ok"
        assert reopened.tool("T1")["status"] == "on_loan"
        assert len(reopened.list_tools()) == added
        reopened.close()
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_read_only_disk_is_reported_and_reading_still_works(tmp_path):
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "4m"):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        ledger = Ledger.create(disk / "home", library="maple", name="Maple")
        ledger.add_tool("T1", "Saw")
        ledger.close()
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        with pytest.raises((ReadOnly, NotADatabase)) as error:
            Ledger.open(disk / "home").add_tool("T2", "Drill")
        assert "cannot write" in str(error.value) or "read" in str(error.value)
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_wal_and_durable_commits_are_on(tmp_path):
    conn = connect(tmp_path / "x.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_library_slugs_stay_short_enough_for_labels_to_scan(tmp_path):
    from kiosk.ledger import InvalidInput

    Ledger.create(tmp_path / "ok", library="maple8ch", name="Maple").close()
    with pytest.raises(InvalidInput, match="2 to 8 lowercase letters or digits"):
        Ledger.create(tmp_path / "long", library="maplestreet", name="Maple")
