"""Devices: invitations, enrollment, tokens, and what each device last told of itself."""

from __future__ import annotations

from typing import Any

from sync.protocol import MAX_DEVICE_NAME
from sync.server import auth
from sync.server.errors import AlreadyExists, Invalid, NotFound, Revoked, Unauthorized
from sync.server.sqlstore.core import SQLCore
from sync.server.storage import Device, Sighting

DAY_MS = 86_400_000


class Devices(SQLCore):
    def invite(self, slug: str, name: str, *, days: int = 7) -> str:
        if not name.strip() or len(name.strip()) > MAX_DEVICE_NAME:
            raise Invalid(f"give the device a name of at most {MAX_DEVICE_NAME} characters, for example 'front desk'")
        code, now = auth.new_code(), self._now()
        with self.db.write() as tx:
            self._library(tx, slug)
            tx.run("INSERT INTO invitations (code_hash, library, name, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?)",
                   (auth.digest(auth.normalize_code(code)), slug, name.strip(), now, now + days * DAY_MS))
        return code

    def enroll(self, code: str, library: str, device_id: str, device_name: str) -> tuple[Device, str]:
        token, now = auth.new_token(), self._now()
        with self.db.write() as tx:
            invitation = tx.one("SELECT * FROM invitations WHERE code_hash = ?", (auth.digest(auth.normalize_code(code)),))
            if invitation is None or invitation["used_ms"] is not None or invitation["expires_ms"] < now:
                raise Unauthorized("this enrollment code is unknown, used or expired; ask a coordinator for a new one")
            if invitation["library"] != library:
                raise Invalid(f"this code is for the library {invitation['library']!r}, "
                              f"but this kiosk is set up for {library!r}")
            existing = tx.one("SELECT library FROM devices WHERE id = ?", (device_id,))
            if existing is not None and existing["library"] != library:
                raise AlreadyExists(f"the device {device_id} belongs to the library {existing['library']!r}")
            name = invitation["name"] or device_name
            if existing is None:
                tx.run("INSERT INTO devices (id, library, name, token_hash, enrolled_ms) VALUES (?, ?, ?, ?, ?)",
                       (device_id, library, name, auth.digest(token), now))
            else:  # the same kiosk enrolled again: a fresh token, the old one stops working
                tx.run("UPDATE devices SET name = ?, token_hash = ?, enrolled_ms = ?, revoked_ms = NULL WHERE id = ?",
                       (name, auth.digest(token), now, device_id))
            tx.run("UPDATE invitations SET used_ms = ? WHERE code_hash = ?", (now, invitation["code_hash"]))
        return Device(device_id, library, name), token

    def authenticate(self, token: str) -> Device:
        with self.db.read() as tx:
            row = tx.one("SELECT id, library, name, revoked_ms FROM devices WHERE token_hash = ?", (auth.digest(token),))
        if row is None:
            raise Unauthorized("this device token is not known here; enroll the kiosk with `toolkiosk enroll`")
        if row["revoked_ms"] is not None:
            raise Revoked(f"the device {row['name']!r} was revoked; a coordinator can invite it again")
        return Device(row["id"], row["library"], row["name"])

    def revoke(self, slug: str, device: str) -> Device:
        with self.db.write() as tx:
            rows = tx.rows("SELECT id, library, name FROM devices WHERE library = ? AND (id = ? OR name = ?)",
                           (slug, device, device))
            if not rows:
                raise NotFound(f"no device {device!r} in the library {slug}")
            if len(rows) > 1:
                raise Invalid(f"several devices are named {device!r}; give its id: {', '.join(r['id'] for r in rows)}")
            tx.run("UPDATE devices SET revoked_ms = ? WHERE id = ?", (self._now(), rows[0]["id"]))
        return Device(rows[0]["id"], rows[0]["library"], rows[0]["name"], revoked=True)

    def devices(self, slug: str | None = None) -> list[dict[str, Any]]:
        sql = """SELECT d.id, d.library, d.name, d.enrolled_ms, d.revoked_ms, d.last_push_ms, d.last_seen_ms,
                        d.software_version, d.clock_offset_ms, d.outbox, l.head - d.pulled_lseq AS events_waiting
                 FROM devices d JOIN libraries l ON l.slug = d.library"""
        with self.db.read() as tx:
            rows = tx.rows(sql + (" WHERE d.library = ?" if slug else "") + " ORDER BY d.library, d.name",
                           (slug,) if slug else ())
        return [dict(r) for r in rows]

    def device_names(self, slug: str, ids: list[str]) -> dict[str, str]:
        if not ids:
            return {}
        with self.db.read() as tx:
            in_ids, id_args = tx.among(sorted(ids))
            rows = tx.rows(f"SELECT id, name FROM devices WHERE library = ? AND id {in_ids}", [slug, *id_args])
        return {r["id"]: r["name"] for r in rows}

    def seen(self, device: Device, sighting: Sighting) -> None:
        with self.db.write(durable=False) as tx:  # a sighting lost in a power cut is told again next round
            tx.run("""UPDATE devices SET last_seen_ms = ?, pulled_lseq = ?, software_version = ?, clock_offset_ms = ?,
                      outbox = ? WHERE id = ?""",
                   (sighting.at_ms, sighting.pulled, sighting.software_version, sighting.clock_offset_ms,
                    sighting.outbox, device.id))

    def flags(self, slug: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT library, device, event_id, reason, message, at_ms FROM flags"
        with self.db.read() as tx:
            rows = tx.rows(sql + (" WHERE library = ?" if slug else "") + " ORDER BY id", (slug,) if slug else ())
        return [dict(r) for r in rows]
