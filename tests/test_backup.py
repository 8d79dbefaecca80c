"""kiosk.backup and `toolkiosk backup` on real SQLite WAL databases, one of them written to during the copy."""

import multiprocessing
import os
import sqlite3
import subprocess
import time
from datetime import datetime, timedelta, timezone

import pytest

from kiosk.backup import BackupError, backup, rotate
from kiosk.cli import main

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)


def make_ledger(path, rows=100, blob=b""):
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT, body BLOB)")
    db.execute("CREATE TABLE balance (id INTEGER PRIMARY KEY, n INTEGER)")
    db.execute("CREATE INDEX events_kind ON events (kind)")
    db.executemany("INSERT INTO events (kind, body) VALUES (?, ?)", [(f"kind{i % 7}", blob) for i in range(rows)])
    db.execute("INSERT INTO balance VALUES (1, ?)", (rows,))
    db.commit()
    db.close()


def writer(path, started, commits, stop):
    """Keeps committing: each transaction adds an event and bumps the count, as the kiosk would."""
    db = sqlite3.connect(path, timeout=10)
    started.set()
    while not stop.is_set():
        with db:
            db.execute("INSERT INTO events (kind, body) VALUES ('checkout', randomblob(2000))")
            db.execute("UPDATE balance SET n = n + 1")
        commits.value += 1
    db.close()


def test_backup_is_consistent_while_another_process_writes(tmp_path):
    db = tmp_path / "ledger.db"
    make_ledger(db, rows=12000, blob=os.urandom(2000))  # ~25 MB: the copy takes a while
    target = tmp_path / "stick"
    target.mkdir()
    ctx = multiprocessing.get_context("spawn")
    started, stop, commits = ctx.Event(), ctx.Event(), ctx.Value("i", 0)
    proc = ctx.Process(target=writer, args=(db, started, commits, stop))
    proc.start()
    try:
        assert started.wait(30)
        while commits.value < 20:
            time.sleep(0.01)
        before = commits.value
        result = backup(db, target, keep=3)
        during = commits.value - before
    finally:
        stop.set()
        proc.join(30)
    assert during > 0, "the writer must have committed while the backup ran"
    copy = sqlite3.connect(result.path)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    events, = copy.execute("SELECT count(*) FROM events").fetchone()
    balance, = copy.execute("SELECT n FROM balance").fetchone()
    copy.close()
    assert events == balance, "the copy must hold whole transactions only"
    assert 12000 + before <= events <= 12000 + before + during
    assert sorted(p.name for p in target.iterdir()) == [result.path.name]
    assert result.size == result.path.stat().st_size > 20_000_000


def test_rotation_keeps_the_newest(tmp_path):
    db = tmp_path / "ledger.db"
    make_ledger(db)
    target = tmp_path / "stick"
    target.mkdir()
    made = [backup(db, target, keep=3, now=T0 + timedelta(days=d)).path for d in range(5)]
    assert sorted(target.iterdir()) == made[2:]
    assert [p.name for p in made[:2]] == ["ledger-20250301-090000.db", "ledger-20250302-090000.db"]


def test_fresh_backup_survives_a_clock_that_went_backwards(tmp_path):
    db = tmp_path / "ledger.db"
    make_ledger(db)
    target = tmp_path / "stick"
    target.mkdir()
    old = [backup(db, target, keep=2, now=T0 + timedelta(days=d)).path for d in range(2)]
    result = backup(db, target, keep=2, now=T0 - timedelta(days=300))
    assert result.removed == [old[0]]
    assert sorted(target.iterdir()) == sorted([result.path, old[1]])


def test_same_second_does_not_overwrite(tmp_path):
    db = tmp_path / "ledger.db"
    make_ledger(db)
    first = backup(db, tmp_path, now=T0).path
    second = backup(db, tmp_path, now=T0).path
    assert first != second and first.exists() and second.exists()


def test_rotate_alone_and_keep_must_be_positive(tmp_path):
    for day in range(1, 5):
        (tmp_path / f"ledger-2025010{day}-000000.db").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("not a backup")
    assert [p.name for p in rotate(tmp_path, 2)] == ["ledger-20250101-000000.db", "ledger-20250102-000000.db"]
    assert (tmp_path / "notes.txt").exists()
    with pytest.raises(BackupError, match="at least 1"):
        backup(tmp_path / "ledger.db", tmp_path, keep=0)


def test_missing_target_fails_clearly(tmp_path):
    db = tmp_path / "ledger.db"
    make_ledger(db)
    with pytest.raises(BackupError, match="is missing: is the USB stick"):
        backup(db, tmp_path / "not-mounted")
    assert not (tmp_path / "not-mounted").exists()


def test_missing_database_is_not_created(tmp_path):
    with pytest.raises(BackupError, match="no database"):
        backup(tmp_path / "ledger.db", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_corrupt_copy_is_refused_and_removed(tmp_path):
    db = tmp_path / "ledger.db"
    make_ledger(db, rows=3000, blob=b"z" * 50)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root_page, = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'events_kind'").fetchone()
    page_size, = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    with open(db, "r+b") as f:  # wipe the index's root page, as a failing SD card might
        f.seek((root_page - 1) * page_size)
        f.write(b"\0" * page_size)
    target = tmp_path / "stick"
    target.mkdir()
    with pytest.raises(BackupError, match="integrity"):
        backup(db, target)
    assert list(target.iterdir()) == []


def test_leftovers_of_a_cut_off_backup_are_cleared(tmp_path):
    db = tmp_path / "ledger.db"
    make_ledger(db)
    target = tmp_path / "stick"
    target.mkdir()
    (target / ".partial-ledger-20250101-000000.db").write_bytes(b"half")
    result = backup(db, target)
    assert list(target.iterdir()) == [result.path]


@pytest.fixture
def small_disk(tmp_path):
    """A real 1 MB filesystem (tmpfs), so the disk really fills up."""
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_full_target_fails_clearly_and_leaves_nothing(tmp_path, small_disk):
    db = tmp_path / "ledger.db"
    make_ledger(db, rows=1000, blob=os.urandom(3000))  # ~3 MB
    with pytest.raises(BackupError, match="is full"):
        backup(db, small_disk)
    assert list(small_disk.iterdir()) == []


def test_cli_backup_command(tmp_path, capsys):
    home = tmp_path / "home"
    home.mkdir()
    make_ledger(home / "ledger.db")
    target = tmp_path / "stick"
    target.mkdir()
    assert main(["backup", "--home", str(home), "--to", str(target), "--keep", "2"]) == 0
    out = capsys.readouterr().out
    made = list(target.iterdir())
    assert len(made) == 1 and f"backed up to {made[0]}" in out


def test_cli_backup_to_a_missing_stick_exits_non_zero(tmp_path, capsys):
    home = tmp_path / "home"
    home.mkdir()
    make_ledger(home / "ledger.db")
    assert main(["backup", "--home", str(home), "--to", str(tmp_path / "none")]) == 1
    assert "is missing: is the USB stick or backup partition mounted?" in capsys.readouterr().err
