"""The library's settings (its rules) and the date they are applied on."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from kiosk.ledger import clock, rules
from kiosk.ledger.core import LedgerCore
from kiosk.ledger.errors import InvalidInput
from kiosk.ledger.events import SETTINGS_FIELDS, check_fields, check_waivers


class Settings(LedgerCore):
    def today(self) -> date:
        """Today by the trusted time (``now_ms``): stamps, even this kiosk's own, never tell the date."""
        return clock.local_date(self.now_ms())

    @property
    def settings(self) -> dict[str, Any]:
        return dict(self._kept("settings", self._read_settings))  # read once a write, a copy each time

    def _read_settings(self) -> dict[str, Any]:
        stored = {r["key"]: json.loads(r["value"]) for r in
                  self._query("SELECT key, value FROM settings WHERE library = ?", (self.library["slug"],))}
        return {**rules.DEFAULT_SETTINGS, **{k: v for k, v in stored.items() if v is not None}}

    def configure(self, **fields: Any) -> None:
        check_fields(fields, SETTINGS_FIELDS, "settings")
        check_waivers(fields)
        bad_days = set(fields.get("open_weekdays") or []) - set(rules.WEEKDAYS)
        if bad_days:
            raise InvalidInput(f"unknown weekdays {sorted(bad_days)}; use {', '.join(rules.WEEKDAYS)}")
        self._write("library.configured", f"library:{self.library['slug']}", {"fields": fields})

    def waiver(self, language: str) -> tuple[str, str | None]:
        """The waiver to show a member speaking ``language``, and the language it is in
        (None when it is the library's one text, in whatever language that was written)."""
        settings = self.settings
        texts = settings["waiver_texts"]
        if settings["waiver_text"] != rules.DEFAULT_SETTINGS["waiver_text"] and not self._query(
                "SELECT 1 FROM settings WHERE library = ? AND key = 'waiver_texts'", (self.library["slug"],)):
            texts = {}  # the library wrote its own waiver as one text: the default translations are not it
        text = texts.get(language)
        return (text, language) if text else (settings["waiver_text"], None)
