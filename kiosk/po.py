"""Gettext catalogs: reading a .po source and writing the .mo form gettext loads.

Standard library only: the build runs this (setup.py compiles every .po in
assets/locale into the wheel) before any of the kiosk's dependencies exist.
"""

from __future__ import annotations

import ast
import struct
from pathlib import Path


def read_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr from a .po file (no plural forms, no contexts: the kiosk uses neither)."""
    entries: dict[str, str] = {}
    msgid: list[str] | None = None
    msgstr: list[str] | None = None
    current: list[str] | None = None

    def flush() -> None:
        if msgid is not None and msgstr is not None:
            entries["".join(msgid)] = "".join(msgstr)

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("msgid "):
            flush()
            msgid, msgstr = [ast.literal_eval(line[6:])], None
            current = msgid
        elif line.startswith("msgstr "):
            msgstr = [ast.literal_eval(line[7:])]
            current = msgstr
        elif line.startswith('"') and current is not None:
            current.append(ast.literal_eval(line))
        elif not line or line.startswith("#"):
            continue
    flush()
    return entries


def compile_mo(entries: dict[str, str]) -> bytes:
    """The GNU .mo form of a catalog, as CPython's Tools/i18n/msgfmt.py writes it."""
    keys = sorted(k for k, v in entries.items() if v)
    ids = b"".join(k.encode() + b"\0" for k in keys)
    strs = b"".join(entries[k].encode() + b"\0" for k in keys)
    offsets, id_pos, str_pos = [], 0, 0
    for key in keys:
        kid, kstr = key.encode(), entries[key].encode()
        offsets.append((len(kid), id_pos, len(kstr), str_pos))
        id_pos += len(kid) + 1
        str_pos += len(kstr) + 1
    start = 7 * 4 + 16 * len(keys)
    id_table = b"".join(struct.pack("<ii", n, start + pos) for n, pos, _, _ in offsets)
    str_table = b"".join(struct.pack("<ii", n, start + len(ids) + pos) for _, _, n, pos in offsets)
    header = struct.pack("<Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    return header + id_table + str_table + ids + strs
