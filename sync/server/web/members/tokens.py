"""Single-use sign-in links and codes, valid for 15 minutes.

A request makes one random link token (256 bits) and one six-digit code for
the member's address; the database keeps the token's SHA-256 and an HMAC of
the code, never either in clear. Using one spends both. Wrong codes count
against the codes of that address only: after CODE_TRIES the code dies, but
the link in the same message still works, so someone guessing codes from
elsewhere cannot lock the member out.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sync.server.web.db import WebDB

VALID_SECONDS = 15 * 60
CODE_TRIES = 5
CODE_DIGITS = 6
ADDRESS_MAX = 254
PHONE = re.compile(r"^\+?[0-9][0-9 ().-]{5,30}$")


@dataclass(frozen=True)
class Address:
    kind: str       # email | phone
    value: str      # as compared: e-mail in lower case, phone as digits with an optional leading +


def parse_address(text: str) -> Address | None:
    """An e-mail address or a phone number as typed, made comparable; None when it is neither."""
    text = text.strip()
    if not text or len(text) > ADDRESS_MAX:
        return None
    if "@" in text:
        local, _, domain = text.rpartition("@")
        if local and "." in domain and not any(c.isspace() for c in text):
            return Address("email", text.lower())
        return None
    if PHONE.match(text):
        return Address("phone", phone_key(text))
    return None


def phone_key(text: str) -> str:
    digits = re.sub(r"[^0-9]", "", text)
    return ("+" if text.strip().startswith("+") else "") + digits


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _code_mac(secret: str, library: str, address: str, code: str) -> str:
    return hmac.new(secret.encode(), f"{library}\0{address}\0{code}".encode(), hashlib.sha256).hexdigest()


def issue(db: WebDB, secret: str, library: str, member_code: str, address: str, now: float) -> tuple[str, str]:
    """A new (link token, code) for the member, valid VALID_SECONDS from ``now``."""
    token = secrets.token_urlsafe(32)
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    db.execute(
        """INSERT INTO member_links (token_hash, code_mac, library, member_code, address, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (_digest(token), _code_mac(secret, library, address, code), library, member_code, address, now,
         now + VALID_SECONDS))
    db.execute("DELETE FROM member_links WHERE expires_at < ?", (now - 86400,))
    return token, code


def redeem_link(db: WebDB, token: str, now: float) -> tuple[str, str] | None:
    """(library, member code) of an unused, unexpired link, spending it; None otherwise. The spending
    update decides, so two server processes given the same link at once let only one through."""
    if not token or len(token) > 100:
        return None
    with db.transaction() as conn:
        spent = conn.execute("UPDATE member_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL "
                             "AND expires_at > ?", (now, _digest(token), now)).rowcount
        if spent != 1:
            return None
        row = conn.execute("SELECT library, member_code FROM member_links WHERE token_hash = ?",
                           (_digest(token),)).fetchone()
        return row["library"], row["member_code"]


def redeem_code(db: WebDB, secret: str, library: str, address: str, code: str, now: float) -> tuple[str, str] | None:
    """(library, member code) for a right code typed with its address, spending its link; None otherwise."""
    code = code.strip().replace(" ", "")
    with db.transaction() as conn:
        rows = conn.execute(
            """SELECT * FROM member_links WHERE library = ? AND address = ? AND used_at IS NULL AND expires_at > ?
               AND tries < ?""", (library, address, now, CODE_TRIES)).fetchall()
        if not (code.isdigit() and len(code) == CODE_DIGITS):
            rows = []
        mac = _code_mac(secret, library, address, code)
        match = next((r for r in rows if hmac.compare_digest(r["code_mac"], mac)), None)
        if match is None:
            conn.execute("UPDATE member_links SET tries = tries + 1 WHERE library = ? AND address = ? AND used_at IS NULL",
                         (library, address))
            return None
        spent = conn.execute("UPDATE member_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
                             (now, match["token_hash"])).rowcount
        return (match["library"], match["member_code"]) if spent == 1 else None
