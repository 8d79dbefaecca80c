"""Label codes minted offline, unique across every kiosk of every library.

Slugs are unique per server, the device part is random per kiosk, the
sequence never repeats on a device, so two offline kiosks never mint the same
code. The format itself (alphabet, check character) is ``kiosk.codeformat``.
"""

from __future__ import annotations

import re
import secrets

from kiosk.codeformat import ALPHABET, DEVICE_PART_LENGTH, KINDS, check_character, encode_base32

# A library's slug starts every code it mints; beyond 8 characters the bars of a
# label get too thin for a 640x480 camera to read reliably (measured: 9 characters
# ~98% of frames, 12 characters 85-94%).
LIBRARY_SLUG = re.compile(r"^[a-z0-9]{2,8}$")
LIBRARY_SLUG_RULE = "2 to 8 lowercase letters or digits"


def new_device_part() -> str:
    """A random device part, chosen once when a kiosk is set up."""
    return "".join(secrets.choice(ALPHABET) for _ in range(DEVICE_PART_LENGTH))


def mint_code(library_slug: str, kind: str, device_part: str, sequence: int) -> str:
    """The code for one label; ``sequence`` is the device's own counter for that kind."""
    body = f"{library_slug.upper()}-{KINDS[kind]}{device_part}-{encode_base32(sequence)}"
    return f"{body}-{check_character(body)}"
