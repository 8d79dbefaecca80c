"""Coordinator and volunteer accounts: one library each, passwords hashed with argon2id."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from sync.server.web.db import WebDB

ROLES = ("coordinator", "volunteer")
MIN_PASSWORD = 12
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# verified against when the email is unknown, so a wrong address costs as long as a wrong password
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A refused account change, with a message for the person who asked."""


@dataclass(frozen=True)
class Account:
    id: int
    library: str
    email: str
    role: str

    @property
    def can_edit(self) -> bool:
        return self.role == "coordinator"


def add(db: WebDB, library: str, email: str, password: str, role: str = "coordinator") -> Account:
    email = email.strip()
    if not _EMAIL.match(email):
        raise AccountError(f"{email!r} is not an email address")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    _check_password(password)
    if db.one("SELECT 1 FROM accounts WHERE lower(email) = lower(?)", (email,)):
        raise AccountError(f"an account for {email} already exists")
    cursor = db.execute(
        "INSERT INTO accounts (library, email, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
        (library, email, role, _hasher.hash(password), time.time()))
    return Account(cursor.lastrowid, library, email, role)


def set_password(db: WebDB, email: str, password: str) -> None:
    _check_password(password)
    with db.transaction() as conn:
        account = conn.execute("SELECT id FROM accounts WHERE lower(email) = lower(?)", (email.strip(),)).fetchone()
        if account is None:
            raise AccountError(f"no account for {email}")
        conn.execute("UPDATE accounts SET password_hash = ? WHERE id = ?", (_hasher.hash(password), account["id"]))
        conn.execute("DELETE FROM sessions WHERE account_id = ?", (account["id"],))  # sign out everywhere


def remove(db: WebDB, email: str) -> None:
    if not db.execute("DELETE FROM accounts WHERE lower(email) = lower(?)", (email.strip(),)).rowcount:
        raise AccountError(f"no account for {email}")


def listing(db: WebDB, library: str | None = None) -> list[Account]:
    sql, args = "SELECT * FROM accounts", ()
    if library:
        sql, args = sql + " WHERE library = ?", (library,)
    return [_account(r) for r in db.query(sql + " ORDER BY library, email", args)]


def get(db: WebDB, account_id: int) -> Account | None:
    row = db.one("SELECT * FROM accounts WHERE id = ?", (account_id,))
    return _account(row) if row else None


def authenticate(db: WebDB, email: str, password: str) -> Account | None:
    """The account when the password is right; rehashes it when the parameters have moved on."""
    row = db.one("SELECT * FROM accounts WHERE lower(email) = lower(?)", (email.strip(),))
    try:
        _hasher.verify(row["password_hash"] if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    if _hasher.check_needs_rehash(row["password_hash"]):
        db.execute("UPDATE accounts SET password_hash = ? WHERE id = ?", (_hasher.hash(password), row["id"]))
    return _account(row)


def new_password() -> str:
    """A random password to hand to a new coordinator once."""
    return secrets.token_urlsafe(15)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")


def _account(row: object) -> Account:
    return Account(row["id"], row["library"], row["email"], row["role"])  # type: ignore[index]
