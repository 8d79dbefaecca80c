"""Minting fresh label codes for tools and member cards."""

from __future__ import annotations

from kiosk.codeformat import KINDS
from kiosk.ledger import codes
from kiosk.ledger.core import LedgerCore
from kiosk.ledger.errors import InvalidInput
from kiosk.ledger.store import write_transaction


class Minting(LedgerCore):
    def mint_codes(self, kind: str, count: int) -> list[str]:
        """Fresh label codes no other kiosk will ever mint; the counter is saved first."""
        if kind not in KINDS:
            raise InvalidInput(f"kind must be one of {', '.join(KINDS)}")
        if not 1 <= count <= 10_000:
            raise InvalidInput("count must be between 1 and 10000")
        key = f"code_seq:{kind}"
        with self._lock, write_transaction(self._conn, self.path):
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            start = int(row["value"]) if row else 1
            self._put_meta({key: str(start + count)})
        return [codes.mint_code(self.library["slug"], kind, self.device["part"], n) for n in range(start, start + count)]
