"""Tool photos: uploaded by a library's kiosks, seen by the kiosks that may see the tool."""

from __future__ import annotations

from sync.server.errors import NotFound
from sync.server.sqlstore.core import SQLCore
from sync.server.storage import Device


class Photos(SQLCore):
    def put_photo(self, device: Device, sha256: str, data: bytes) -> bool:
        with self.db.write() as tx:
            if not tx.one("SELECT 1 FROM tools WHERE library = ? AND photo = ?", (device.library, sha256)):
                raise NotFound("no tool of this library shows this photo; sync the tool first")
            if tx.one("SELECT 1 FROM photos WHERE sha256 = ?", (sha256,)):
                tx.run("DELETE FROM photos_missing WHERE sha256 = ?", (sha256,))
                return False
            tx.run("INSERT INTO photos (sha256, library, size, data) VALUES (?, ?, ?, ?)",
                   (sha256, device.library, len(data), data))
            tx.run("DELETE FROM photos_missing WHERE sha256 = ?", (sha256,))
        return True

    def get_photo(self, device: Device, sha256: str) -> bytes:
        with self.db.read() as tx:
            in_visible, visible_args = tx.among([device.library, *self._partners(tx, device.library)])
            row = tx.one(f"""SELECT p.data FROM photos p WHERE p.sha256 = ? AND EXISTS (SELECT 1 FROM tools t
                             WHERE t.photo = p.sha256 AND t.library {in_visible})""", [sha256, *visible_args])
        if row is None:
            raise NotFound("no such photo here (not uploaded yet, or not one this device may see)")
        return bytes(row["data"])
