"""The symbologies the kiosk reads, their names, and the checks a read must pass.

Names are lower case and shared by every engine and event: ``code128``,
``ean13``, ``ean8``, ``upca``, ``upce``, ``qrcode``, ``code39``.
"""

from __future__ import annotations

from kiosk.codeformat import has_code_shape, is_minted_code

CODE128, EAN13, EAN8, UPCA, UPCE, QRCODE, CODE39 = "code128", "ean13", "ean8", "upca", "upce", "qrcode", "code39"
ALL = (CODE128, EAN13, EAN8, UPCA, UPCE, QRCODE, CODE39)
# Our labels and member cards, makers' retail codes, QR. Code39 has no check
# digit and misreads more easily, so it is opt-in.
DEFAULT = frozenset({CODE128, EAN13, EAN8, UPCA, UPCE, QRCODE})
RETAIL = frozenset({EAN13, EAN8, UPCA, UPCE})


def parse_symbologies(names: str | list[str] | tuple[str, ...] | frozenset[str]) -> frozenset[str]:
    """Symbology names from a comma-separated string or a list; ValueError names the unknown ones."""
    if isinstance(names, str):
        names = [n for n in names.split(",") if n.strip()]
    chosen = frozenset(n.strip().lower().replace("-", "").replace("_", "") for n in names)
    chosen = frozenset("qrcode" if n == "qr" else n for n in chosen)
    unknown = chosen - set(ALL)
    if unknown:
        raise ValueError(f"unknown symbology {', '.join(sorted(unknown))}; known: {', '.join(ALL)}")
    return chosen


def normalize(text: str, symbology: str) -> tuple[str, str]:
    """(text, symbology) as a person would type it, as printed under the bars.

    An EAN-13 with a leading 0 is a UPC-A of 12 digits; a UPC-E is its 8
    digits, though some engines report it expanded to 13.
    """
    if symbology == EAN13 and len(text) == 13 and text.startswith("0"):
        return text[1:], UPCA
    if symbology == UPCE and len(text) in (12, 13):
        return upca_to_upce(text[-12:]) or text, UPCE
    return text, symbology


def gtin_check_ok(digits: str) -> bool:
    """The GS1 mod-10 check digit of an EAN-13, EAN-8 or UPC-A."""
    if not digits.isdigit() or len(digits) < 2:
        return False
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def upce_to_upca(upce: str) -> str | None:
    """The 12-digit UPC-A a zero-suppressed 8-digit UPC-E stands for, or None if it is not one."""
    if len(upce) != 8 or not upce.isdigit() or upce[0] not in "01":
        return None
    system, d, check = upce[0], upce[1:7], upce[7]
    last = d[5]
    if last in "012":
        body = d[0:2] + last + "0000" + d[2:5]
    elif last == "3":
        body = d[0:3] + "00000" + d[3:5]
    elif last == "4":
        body = d[0:4] + "00000" + d[4]
    else:
        body = d[0:5] + "0000" + last
    return system + body + check


def upca_to_upce(upca: str) -> str | None:
    """The 8-digit UPC-E for a 12-digit UPC-A, or None when it has no zero-suppressed form."""
    if len(upca) != 12 or not upca.isdigit():
        return None
    system, m, p, check = upca[0], upca[1:6], upca[6:11], upca[11]
    candidates = (m[0:2] + p[2:5] + m[2], m[0:3] + p[3:5] + "3", m[0:4] + p[4] + "4", m[0:5] + p[4])
    for middle in candidates:
        upce = system + middle + check
        if upce_to_upca(upce) == upca:
            return upce
    return None


def needs_second_opinion(text: str, symbology: str) -> bool:
    """True for reads nothing in them can vouch for: Code128 and Code39 that are not our own codes.

    Code128's checksum catches most misreads, but a warped label can still
    yield a wrong character and a wrong check symbol that happen to agree.
    """
    return symbology in (CODE128, CODE39) and not is_minted_code(text)


def passes_checks(text: str, symbology: str) -> bool:
    """False for reads that cannot be right: a wrong check digit, or one of our codes with a wrong check character."""
    if symbology in (EAN13, EAN8, UPCA):
        return gtin_check_ok(text)
    if symbology == UPCE:
        expanded = upce_to_upca(text)
        return expanded is not None and gtin_check_ok(expanded)
    if has_code_shape(text):  # one of ours with a wrong check character is a misread
        return is_minted_code(text)
    return bool(text)
