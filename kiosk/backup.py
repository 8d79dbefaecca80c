"""Copies the live ledger to a backup drive, consistently and atomically, keeping the newest N.

SQLite's online backup API reads the database in one read transaction, so the
copy is consistent while the kiosk keeps writing (WAL readers never block the
writer). The copy is checked with ``PRAGMA integrity_check`` and only then
renamed into place: a power cut, a pulled stick or a full disk leaves either
a complete backup or none, never half of one.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

PREFIX = "ledger-"
SUFFIX = ".db"
TEMP_PREFIX = ".partial-"


class BackupError(Exception):
    """The backup could not be made; nothing was left behind in the target."""


@dataclass
class BackupResult:
    path: Path
    size: int
    removed: list[Path] = field(default_factory=list)


def backup(db: Path, target: Path, keep: int = 14, *, now: datetime | None = None) -> BackupResult:
    """Backs up the SQLite database ``db`` into the folder ``target`` and keeps the newest ``keep``."""
    if keep < 1:
        raise BackupError("--keep must be at least 1")
    if not db.is_file():
        raise BackupError(f"no database at {db}")
    if not target.is_dir():
        raise BackupError(f"backup target {target} is missing: is the USB stick or backup partition mounted?")
    _remove_partials(target)
    final = _free_name(target, now or datetime.now(timezone.utc))
    temp = target / f"{TEMP_PREFIX}{final.name}"
    try:
        _copy(db, temp)
        os.replace(temp, final)
        _fsync_dir(target)
    except (sqlite3.Error, OSError, BackupError) as exc:
        _discard(temp)
        raise BackupError(_explain(exc, target)) from exc
    return BackupResult(final, final.stat().st_size, rotate(target, keep, spare=final))


def rotate(target: Path, keep: int, *, spare: Path | None = None) -> list[Path]:
    """Removes all but the newest ``keep`` backups (by name); never ``spare``, the one just made.

    Names carry the clock's time, and a Pi without a real-time clock can start
    with its clock behind: the fresh backup then sorts first, yet is kept.
    """
    backups = sorted(p for p in target.glob(f"{PREFIX}*{SUFFIX}") if p != spare)
    excess = backups[: max(0, len(backups) - (keep - (spare is not None)))]
    for path in excess:
        path.unlink()
    return excess


def _copy(db: Path, temp: Path) -> None:
    # mode=rw: never create an empty database where the ledger should be.
    source = sqlite3.connect(f"file:{db}?mode=rw", uri=True)
    copy = sqlite3.connect(temp)
    try:
        source.backup(copy)
        # A single self-contained file: no -wal or -shm beside it on the stick.
        copy.execute("PRAGMA journal_mode=DELETE")
        try:
            result = copy.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.DatabaseError as exc:  # damage bad enough that the check cannot finish
            result = [(str(exc),)]
        if result != [("ok",)]:
            problems = "; ".join(row[0] for row in result[:3])
            raise BackupError(f"the copy failed its integrity check, the ledger itself may be damaged: {problems}")
    finally:
        copy.close()
        source.close()
    with open(temp, "rb") as f:
        os.fsync(f.fileno())


def _free_name(target: Path, now: datetime) -> Path:
    stem = f"{PREFIX}{now.strftime('%Y%m%d-%H%M%S')}"
    path, n = target / f"{stem}{SUFFIX}", 1
    while path.exists():
        path, n = target / f"{stem}_{n}{SUFFIX}", n + 1
    return path


def _remove_partials(target: Path) -> None:
    """Clears what a backup cut off by a power loss left behind."""
    for path in target.glob(f"{TEMP_PREFIX}*"):
        path.unlink()


def _discard(temp: Path) -> None:
    """Removes the unfinished copy and the rollback journal SQLite may have left beside it."""
    for path in temp.parent.glob(f"{temp.name}*"):
        path.unlink()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:  # some filesystems (vfat) refuse fsync on a folder
        if exc.errno not in (errno.EINVAL, errno.EBADF):
            raise
    finally:
        os.close(fd)


def _explain(exc: Exception, target: Path) -> str:
    full = isinstance(exc, sqlite3.OperationalError) and "full" in str(exc)
    if full or getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT):
        return f"backup target {target} is full: free some space or use a bigger stick"
    if isinstance(exc, BackupError):
        return str(exc)
    return f"backup to {target} failed: {exc}"
