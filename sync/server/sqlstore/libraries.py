"""Libraries and their partnerships."""

from __future__ import annotations

from typing import Any

from kiosk.ledger.codes import LIBRARY_SLUG_RULE
from sync import protocol
from sync.server.db import Tx
from sync.server.errors import AlreadyExists, Invalid, NotFound
from sync.server.sqlstore.core import SQLCore


class Libraries(SQLCore):
    def add_library(self, slug: str, name: str) -> dict[str, Any]:
        if not protocol.SLUG.match(slug or ""):
            raise Invalid(f"a library slug is {LIBRARY_SLUG_RULE}, for example 'maple'")
        if not name.strip():
            raise Invalid("a library needs a name")
        with self.db.write() as tx:
            if tx.one("SELECT 1 FROM libraries WHERE slug = ?", (slug,)):
                raise AlreadyExists(f"the library {slug} already exists")
            tx.run("INSERT INTO libraries (slug, name, created_ms) VALUES (?, ?, ?)", (slug, name.strip(), self._now()))
        return self.library(slug)

    def libraries(self) -> list[dict[str, Any]]:
        with self.db.read() as tx:
            rows = tx.rows(
                """SELECT l.slug, l.name, l.head AS events,
                          (SELECT count(*) FROM devices d WHERE d.library = l.slug AND d.revoked_ms IS NULL) AS devices
                   FROM libraries l ORDER BY l.slug""")
            partners = self._partner_map(tx)
        return [{**dict(r), "partners": ",".join(partners.get(r["slug"], []))} for r in rows]

    def library(self, slug: str) -> dict[str, Any]:
        with self.db.read() as tx:
            return dict(self._library(tx, slug))

    def add_partners(self, a: str, b: str) -> None:
        if a == b:
            raise Invalid("a library cannot partner with itself")
        with self.db.write() as tx:
            self._library(tx, a), self._library(tx, b)
            for x, y in ((a, b), (b, a)):
                tx.run("INSERT INTO partners (a, b) VALUES (?, ?) ON CONFLICT DO NOTHING", (x, y))

    def remove_partners(self, a: str, b: str) -> None:
        with self.db.write() as tx:
            self._library(tx, a), self._library(tx, b)
            if not tx.run("DELETE FROM partners WHERE (a = ? AND b = ?) OR (a = ? AND b = ?)", (a, b, b, a)):
                raise NotFound(f"{a} and {b} are not partners")

    def partners(self, slug: str) -> list[str]:
        with self.db.read() as tx:
            return self._partners(tx, slug)

    def _partner_map(self, tx: Tx) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for row in tx.rows("SELECT a, b FROM partners ORDER BY a, b"):
            result.setdefault(row["a"], []).append(row["b"])
        return result
