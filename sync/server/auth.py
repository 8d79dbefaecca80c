"""Enrollment codes and device tokens: random, shown once, stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U to misread
CODE_GROUPS, CODE_GROUP_LENGTH = 3, 4                # 60 bits, typed by a volunteer
TOKEN_PREFIX = "tk_"


def new_code() -> str:
    groups = ("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH)) for _ in range(CODE_GROUPS))
    return "-".join(groups)


def normalize_code(code: str) -> str:
    """As typed: any case, with or without dashes or spaces, O for 0 and I/L for 1."""
    cleaned = "".join(c for c in code.upper() if c.isalnum())
    return cleaned.translate(str.maketrans("OIL", "011"))


def new_device_id() -> str:
    """A device id the server gives at enrollment: 12 characters, like the ids kiosks make for themselves."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """Codes and tokens carry 60+ random bits: a plain SHA-256 is enough to store them."""
    return hashlib.sha256(secret.encode()).hexdigest()
