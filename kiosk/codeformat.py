"""The format of the library's own label codes: its alphabet, check character and pattern.

A code reads ``MAPLE-T7K3QD-00C-A``: the library's slug, a kind letter (T for a
tool label, M for a member card) and the minting device's five-character part,
the device's sequence number, and a check character. Crockford's base-32
alphabet avoids I, L, O and U, which people misread.

The ledger mints codes in this format (``kiosk.ledger.codes``) and scanning
recognises them (``kiosk.scan.symbologies``); this module imports neither.
"""

from __future__ import annotations

import re

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_ALPHABET = ALPHABET + "*~$=U"  # Crockford's 37 check symbols (mod 37)
KINDS = {"tool": "T", "member": "M"}
DEVICE_PART_LENGTH = 5
_CODE = re.compile(r"^([A-Z0-9]{2,12})-([TM])([0-9A-HJKMNP-TV-Z]{5})-([0-9A-HJKMNP-TV-Z]{3,})-(.)$")
# The shape of a code whatever the check character: a read of this shape whose
# check character is wrong is a misread, never a foreign code.
_SHAPE = re.compile(r"^[A-Z0-9]{2,12}-[TM][0-9A-Z]{5}-[0-9A-Z]{3,}-.$")


def encode_base32(number: int, width: int = 3) -> str:
    digits = ""
    while number:
        number, rem = divmod(number, 32)
        digits = ALPHABET[rem] + digits
    return digits.rjust(width, "0")


def check_character(body: str) -> str:
    """Crockford's mod-37 check symbol over the code's letters and digits."""
    value = 0
    for ch in body:
        if ch in ALPHABET:
            value = (value * 32 + ALPHABET.index(ch)) % 37
        elif ch.isalnum():
            value = (value * 32 + int(ch, 36)) % 37
    return CHECK_ALPHABET[value]


def has_code_shape(text: str) -> bool:
    """True when text is laid out like one of our codes, whether or not its check character is right."""
    return bool(_SHAPE.match(text))


def is_minted_code(text: str) -> bool:
    """True when text is one of our minted codes with a correct check character."""
    match = _CODE.match(text)
    return bool(match) and check_character(text[: text.rindex("-")]) == match.group(5)


def code_kind(text: str) -> str | None:
    """'tool' or 'member' for a minted code, None for any other text."""
    if not is_minted_code(text):
        return None
    letter = _CODE.match(text).group(2)
    return next(kind for kind, k in KINDS.items() if k == letter)
