"""The library's settings (its rules) and the date they are applied on."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from kiosk.ledger import clock, rules
from kiosk.ledger.core import LedgerCore
from kiosk.ledger.errors import InvalidInput
from kiosk.ledger.events import SETTINGS_FIELDS, check_fields


class Settings(LedgerCore):
    def today(self) -> date:
        """Today by the later of the wall clock and the last stamp: a Pi that booted at 1970 still knows the date."""
        last = int(self._scalar("SELECT value FROM meta WHERE key = 'hlc'"))
        return clock.stamp_date(max(clock.pack(self._wall(), 0), last))

    @property
    def settings(self) -> dict[str, Any]:
        stored = {r["key"]: json.loads(r["value"]) for r in
                  self._query("SELECT key, value FROM settings WHERE library = ?", (self.library["slug"],))}
        return {**rules.DEFAULT_SETTINGS, **{k: v for k, v in stored.items() if v is not None}}

    def configure(self, **fields: Any) -> None:
        check_fields(fields, SETTINGS_FIELDS, "settings")
        rules.check_setting_ranges(fields)
        bad_days = set(fields.get("open_weekdays") or []) - set(rules.WEEKDAYS)
        if bad_days:
            raise InvalidInput(f"unknown weekdays {sorted(bad_days)}; use {', '.join(rules.WEEKDAYS)}")
        self._write("library.configured", f"library:{self.library['slug']}", {"fields": fields})
