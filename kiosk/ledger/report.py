"""The impact report of this library (``kiosk.ledger.impact`` does the counting)."""

from __future__ import annotations

from datetime import date
from typing import Any

from kiosk.ledger import impact
from kiosk.ledger.settings import Settings


class Report(Settings):
    def impact_report(self, start: date, end: date) -> dict[str, Any]:
        """Loans, borrowers, value lent, repairs and the rest for the days from ``start`` to ``end``."""
        figures = impact.gather(lambda sql, args: self._query(sql, args), self.library["slug"], start, end)
        return impact.publish(figures, start, end)
