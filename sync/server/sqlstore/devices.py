"""Devices: invitations, enrollment, tokens, and what each device last told of itself."""

from __future__ import annotations

from typing import Any

from kiosk.ledger.limits import INVITE_DAYS
from sync.protocol import DEVICE_ID, DEVICE_ID_RULE, MAX_DEVICE_NAME
from sync.server import auth
from sync.server.errors import AlreadyExists, Invalid, NotFound, Revoked, Unauthorized
from sync.server.db import Tx
from sync.server.sqlstore.core import SQLCore
from sync.server.storage import Device, Sighting

DAY_MS = 86_400_000


class Devices(SQLCore):
    def invite(self, slug: str, name: str, *, days: int = 7, device: str | None = None) -> str:
        if device is not None:  # re-enrolling a kiosk: the code gives back its id, and only to it
            known = self._one_device(slug, device)
            name, device = known["name"], known["id"]
        if not name.strip() or len(name.strip()) > MAX_DEVICE_NAME:
            raise Invalid(f"give the device a name of at most {MAX_DEVICE_NAME} characters, for example 'front desk'")
        if isinstance(days, bool) or not isinstance(days, int) or not INVITE_DAYS[0] <= days <= INVITE_DAYS[1]:
            raise Invalid(f"an enrollment code stays valid {INVITE_DAYS[0]} to {INVITE_DAYS[1]} days")
        code, now = auth.new_code(), self._now()
        with self.db.write() as tx:
            self._library(tx, slug)
            tx.run("INSERT INTO invitations (code_hash, library, name, created_ms, expires_ms, device) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   (auth.digest(auth.normalize_code(code)), slug, name.strip(), now, now + days * DAY_MS, device))
        return code

    def enroll(self, code: str, library: str, device_name: str, *, kiosk_device: str | None = None,
               device_id: str | None = None) -> tuple[Device, str]:
        token, now = auth.new_token(), self._now()
        if device_id is not None and not DEVICE_ID.match(device_id):
            raise Invalid(f"a device id is {DEVICE_ID_RULE}, not {device_id!r}")
        with self.db.write() as tx:
            invitation = tx.one("SELECT * FROM invitations WHERE code_hash = ?", (auth.digest(auth.normalize_code(code)),))
            if invitation is None or invitation["used_ms"] is not None or invitation["expires_ms"] < now:
                raise Unauthorized("this enrollment code is unknown, used or expired; ask a coordinator for a new one")
            if invitation["library"] != library:
                raise Invalid(f"this code is for the library {invitation['library']!r}, "
                              f"but this kiosk is set up for {library!r}")
            name = invitation["name"] or device_name
            again = invitation["device"]
            if again is not None:  # a coordinator chose to enroll this kiosk again: a fresh token, the old one stops
                if kiosk_device != again or device_id not in (None, again):
                    raise AlreadyExists(f"this code enrolls the kiosk {again} again, and only it; this kiosk is "
                                        f"{kiosk_device or device_id}. Ask a coordinator for a code for a new kiosk")
                tx.run("UPDATE devices SET name = ?, token_hash = ?, enrolled_ms = ?, revoked_ms = NULL WHERE id = ?",
                       (name, auth.digest(token), now, again))
                device = again
            else:  # a new kiosk: the server names it, so no device can take another's place
                device = device_id or self._fresh_id(tx)
                if tx.one("SELECT 1 AS taken FROM devices WHERE id = ?", (device,)) is not None:
                    raise AlreadyExists(f"the device {device} is already enrolled; a coordinator can enroll it "
                                        f"again with `toolkiosk-server device reenroll {library} {device}`")
                tx.run("INSERT INTO devices (id, library, name, token_hash, enrolled_ms) VALUES (?, ?, ?, ?, ?)",
                       (device, library, name, auth.digest(token), now))
            tx.run("UPDATE invitations SET used_ms = ? WHERE code_hash = ?", (now, invitation["code_hash"]))
        return Device(device, library, name), token

    def _fresh_id(self, tx: Tx) -> str:
        while True:  # 60 random bits: a second try is as good as never needed
            device = auth.new_device_id()
            if tx.one("SELECT 1 AS taken FROM devices WHERE id = ?", (device,)) is None:
                return device

    def _one_device(self, slug: str, device: str) -> Any:
        """A device of the library by id or name; NotFound, or Invalid when the name is not unique."""
        with self.db.read() as tx:
            rows = tx.rows("SELECT id, library, name FROM devices WHERE library = ? AND (id = ? OR name = ?)",
                           (slug, device, device))
        if not rows:
            raise NotFound(f"no device {device!r} in the library {slug}")
        if len(rows) > 1:
            raise Invalid(f"several devices are named {device!r}; give its id: {', '.join(r['id'] for r in rows)}")
        return rows[0]

    def authenticate(self, token: str) -> Device:
        with self.db.read() as tx:
            row = tx.one("SELECT id, library, name, revoked_ms FROM devices WHERE token_hash = ?", (auth.digest(token),))
        if row is None:
            raise Unauthorized("this device token is not known here; enroll the kiosk with `toolkiosk enroll`")
        if row["revoked_ms"] is not None:
            raise Revoked(f"the device {row['name']!r} was revoked; a coordinator can invite it again")
        return Device(row["id"], row["library"], row["name"])

    def revoke(self, slug: str, device: str) -> Device:
        row = self._one_device(slug, device)
        with self.db.write() as tx:
            tx.run("UPDATE devices SET revoked_ms = ? WHERE id = ?", (self._now(), row["id"]))
        return Device(row["id"], row["library"], row["name"], revoked=True)

    def devices(self, slug: str | None = None) -> list[dict[str, Any]]:
        sql = """SELECT d.id, d.library, d.name, d.enrolled_ms, d.revoked_ms, d.last_push_ms, d.last_seen_ms,
                        d.software_version, d.clock_offset_ms, d.outbox, l.head - d.pulled_lseq AS events_waiting,
                        d.clock_ahead_ms, d.clock_ahead_at_ms
                 FROM devices d JOIN libraries l ON l.slug = d.library"""
        with self.db.read() as tx:
            rows = tx.rows(sql + (" WHERE d.library = ?" if slug else "") + " ORDER BY d.library, d.name",
                           (slug,) if slug else ())
        return [dict(r) for r in rows]

    def seen(self, device: Device, sighting: Sighting) -> None:
        with self.db.write(durable=False) as tx:  # a sighting lost in a power cut is told again next round
            tx.run("""UPDATE devices SET last_seen_ms = ?, pulled_lseq = ?, software_version = ?, clock_offset_ms = ?,
                      outbox = ? WHERE id = ?""",
                   (sighting.at_ms, sighting.pulled, sighting.software_version, sighting.clock_offset_ms,
                    sighting.outbox, device.id))
            if sighting.clock_ahead_ms is not None or sighting.clock_fine:
                tx.run("UPDATE devices SET clock_ahead_ms = ?, clock_ahead_at_ms = ? WHERE id = ?",
                       (sighting.clock_ahead_ms, None if sighting.clock_ahead_ms is None else sighting.at_ms,
                        device.id))

    def flags(self, slug: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT library, device, event_id, reason, message, at_ms FROM flags"
        with self.db.read() as tx:
            rows = tx.rows(sql + (" WHERE library = ?" if slug else "") + " ORDER BY id", (slug,) if slug else ())
        return [dict(r) for r in rows]
