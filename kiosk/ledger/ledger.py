"""The ledger: every operation of the library as an event written with its projections.

``Ledger`` is one class made of one class per domain, each in its own module
and built on ``LedgerCore`` (the connection, event writing, meta, queries):

    Ledger
    ├── Conflicts   conflicts.py  settling what two kiosks did apart
    │   └── Lending lending.py    checkout, checkin, renew, loans, overdue
    │       └── Repairs repairs.py   repair tickets, a fixed tool back to whoever waits
    │           └── Holds   holds.py     waiting lists and the hold shelf
    │               ├── Catalog   catalog.py   tools, search, categories  (on Minting)
    │               └── Members   members.py   cards and waivers           (on Settings, Minting)
    ├── Inventory   inventory.py  shelf checks kept until finished  (on Catalog)
    ├── Stats       stats.py      how the library is used          (on Settings)
    ├── Report      report.py     the impact report for funders    (on Settings)
    ├── Privacy     privacy.py    forgetting old borrowers         (on Settings)
    ├── Sync        sync.py       outbox, applying a server's answer
    └── Upkeep      upkeep.py     rebuild, snapshot, integrity check

A new domain is a new module whose class builds on the domains it needs,
added to the bases below.
"""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path
from typing import Callable

from kiosk import codeformat
from kiosk.ledger import clock, codes, schema
from kiosk.ledger.conflicts import Conflicts
from kiosk.ledger.errors import InvalidInput, NotADatabase, NotInitialized, StorageError
from kiosk.ledger.inventory import Inventory
from kiosk.ledger.privacy import Privacy
from kiosk.ledger.report import Report
from kiosk.ledger.stats import Stats
from kiosk.ledger.store import connect, translate, write_transaction
from kiosk.ledger.sync import Sync
from kiosk.ledger.upkeep import Upkeep

DB_NAME = "ledger.db"


class Ledger(Conflicts, Inventory, Stats, Report, Privacy, Sync, Upkeep):
    @classmethod
    def create(cls, home: Path | str, *, library: str, name: str, device_name: str | None = None,
               wall: Callable[[], int] = clock.wall_ms) -> "Ledger":
        """Sets up a new library in an empty home folder."""
        if not codes.LIBRARY_SLUG.match(library):
            raise InvalidInput(f"the library slug must be {codes.LIBRARY_SLUG_RULE}, for example 'maple'")
        home = Path(home)
        path = home / DB_NAME
        if path.exists():
            _check_header(path)  # an empty or foreign file says so, rather than "already holds a library"
            raise InvalidInput(f"{home} already holds a library; use another --home")
        try:
            home.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise translate(_as_sqlite_error(exc), home) from None
        conn = _open_file(path)
        device = "".join(secrets.choice(codeformat.ALPHABET) for _ in range(12))
        with write_transaction(conn, path):
            for key, value in {
                "library": library, "library_name": name, "device": device,
                "device_name": device_name or f"kiosk {device[:5]}", "device_part": device[:codeformat.DEVICE_PART_LENGTH],
                "hlc": "0", "next_seq": "1",
            }.items():
                conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
        ledger = cls(conn, path, wall)
        ledger.configure(name=name)
        return ledger

    @classmethod
    def open(cls, home: Path | str, *, wall: Callable[[], int] = clock.wall_ms) -> "Ledger":
        path = Path(home) / DB_NAME
        if not path.exists():
            raise NotInitialized(f"no library is set up in {home}; run `toolkiosk init --library SLUG --name NAME` first")
        _check_header(path)
        return cls(_open_file(path), path, wall)


SQLITE_HEADER = b"SQLite format 3\x00"


def _check_header(path: Path) -> None:
    """A file that is empty or not SQLite is refused before SQLite opens it, so nothing is written
    into it (SQLite would happily make an empty file a new, library-less database)."""
    try:
        with open(path, "rb") as file:
            head = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise translate(_as_sqlite_error(exc), path) from None
    wal = path.with_name(path.name + "-wal")
    if not head and not (wal.exists() and wal.stat().st_size):
        raise NotADatabase(
            f"{path} is empty (0 bytes): it holds no library, and nothing was changed. If this kiosk had a "
            f"library, put back a copy from its backups (ledger-*.db from `toolkiosk backup`) as {path}; "
            f"to start a new library here instead, delete the empty file and run `toolkiosk init`.")
    if head and head != SQLITE_HEADER:
        raise NotADatabase(
            f"{path} is not a SQLite database, so not a Tool Library Kiosk ledger; nothing was changed. Put back "
            f"a copy from the kiosk's backups (ledger-*.db from `toolkiosk backup`), or move the file away "
            f"and run `toolkiosk init` to start a new library.")


def _open_file(path: Path) -> sqlite3.Connection:
    conn = connect(path)
    try:
        schema.migrate(conn)
    except sqlite3.Error as exc:
        conn.close()
        raise translate(exc, path) from None
    except StorageError:
        conn.close()
        raise
    return conn


def _as_sqlite_error(exc: OSError) -> sqlite3.Error:
    return sqlite3.OperationalError(f"{exc.strerror or exc}: read-only" if exc.errno in (13, 30) else str(exc))
