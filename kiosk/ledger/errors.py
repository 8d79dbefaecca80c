"""What can go wrong in the ledger, each with a message meant for people.

LedgerError
├── NotFound            an unknown tool or member code, a loan that is not there
├── Refused             a rule said no (one reason per tool); nothing was written
├── InvalidInput        a field of the wrong kind or shape
├── NotInitialized      no library has been set up in this home folder yet
└── StorageError        the database file itself
    ├── NotADatabase    not SQLite, or corrupt
    ├── ReadOnly        the file or its folder cannot be written
    └── DiskFull        no room left to write
"""

from __future__ import annotations

from dataclasses import dataclass, field


class LedgerError(Exception):
    exit_code = 1


class NotFound(LedgerError):
    exit_code = 3


class InvalidInput(LedgerError):
    exit_code = 2


class NotInitialized(LedgerError):
    exit_code = 4


class StorageError(LedgerError):
    exit_code = 5


class NotADatabase(StorageError):
    pass


class ReadOnly(StorageError):
    pass


class DiskFull(StorageError):
    pass


@dataclass(frozen=True)
class Refusal:
    """Why one thing cannot happen: a stable key for programs, a sentence for people."""

    subject: str
    reason: str
    message: str
    params: dict = field(default_factory=dict)


class Refused(LedgerError):
    exit_code = 6

    def __init__(self, refusals: list[Refusal]):
        self.refusals = refusals
        super().__init__("; ".join(f"{r.subject}: {r.message}" for r in refusals))
