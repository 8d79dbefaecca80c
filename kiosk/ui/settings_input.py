"""Reads what a coordinator typed into the settings screen; anything wrong raises
:class:`InputError` with a message for the screen, so nothing is saved half-way. No Kivy here."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date
from typing import Iterator

from kiosk.ledger.limits import LOAN_DAYS, SETTING_RANGES
from kiosk.ui.i18n import _

HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class InputError(ValueError):
    """What is wrong with the form, in words for the person at the screen; ``place`` names the part
    of the form it is about, so the screen can show it there."""

    place = ""


@contextmanager
def at(place: str) -> Iterator[None]:
    """An InputError raised inside is about ``place``."""
    try:
        yield
    except InputError as exc:
        exc.place = exc.place or place
        raise


def whole_number(text: str, least: int, what: str, most: int | None = None) -> int:
    """``text`` as a whole number from ``least`` (to ``most``); ``what`` names the field in the message."""
    text = text.strip()
    if most is not None and (not _digits(text) or not least <= int(text) <= most):
        raise InputError(_("{field}: please enter a whole number from {least} to {most}.")
                         .format(field=what, least=least, most=most))
    if not _digits(text) or int(text) < least:
        raise InputError(_("{field}: please enter a whole number, {least} or more.").format(field=what, least=least))
    return int(text)


def _digits(text: str) -> bool:
    """Plain digits, few enough to be a number a person means ('²' and a 5000-digit paste are not)."""
    return text.isascii() and text.isdigit() and len(text) <= 9


def ranged_setting(text: str, name: str, what: str) -> int:
    """``text`` as the whole-number setting ``name``, within the range the ledger and the server hold it to."""
    return _in_range(text, SETTING_RANGES[name], what)


def loan_days(text: str, what: str) -> int:
    """``text`` as a loan period (a category's), within the range every loan period is held to."""
    return _in_range(text, LOAN_DAYS, what)


def _in_range(text: str, bounds: tuple[int, int], what: str) -> int:
    least, most = bounds
    text = text.strip()
    if not _digits(text) or not least <= int(text) <= most:
        raise InputError(_("{field}: please enter a whole number from {least} to {most}.")
                         .format(field=what, least=least, most=most))
    return int(text)


def opening_hours(text: str, day_name: str) -> str:
    """'10:00-18:00' (an en dash or spaces are fine too), normalised; empty stays empty."""
    if not text.strip():
        return ""
    match = HOURS.match(text)
    if match:
        h1, m1, h2, m2 = (int(v) for v in match.groups())
        if h1 <= 23 and h2 <= 24 and m1 < 60 and m2 < 60 and (h1, m1) < (h2, m2):
            return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"
    raise InputError(_("{day}: write the hours like 10:00-18:00.").format(day=day_name))


def closed_dates(text: str) -> list[str]:
    """Dates written YYYY-MM-DD, separated by commas, spaces or lines; sorted, each once."""
    found = set()
    for word in re.split(r"[\s,;]+", text.strip()):
        if not word:
            continue
        try:
            if not ISO_DATE.match(word):
                raise ValueError(word)
            found.add(date.fromisoformat(word).isoformat())
        except ValueError:
            raise InputError(_("Closed dates: “{text}” is not a date. Write dates like 2026-12-25.")
                             .format(text=word)) from None
    return sorted(found)


def next_version(version: str) -> str:
    """The waiver version after this one: '3' becomes '4', '2024-b' becomes '2024-b2'."""
    match = re.search(r"(\d+)$", version)
    if match is None:
        return f"{version}2" if version else "1"
    return version[: match.start()] + str(int(match.group(1)) + 1)
