"""A device that lies: it enrolls asking for ids it should not have, and pushes events in other
devices' names. Shared by the hostile-device tests and the convergence property."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import requests

from kiosk.ledger import Event
from sync import protocol
from sync.server.storage import Storage


@dataclass
class Liar:
    url: str
    library: str
    device: str          # the id the server gave it
    token: str

    @classmethod
    def enroll(cls, url: str, storage: Storage, library: str, asking_for: str) -> "Liar":
        answer = enroll_raw(url, storage.invite(library, "not what it seems"), library, asking_for)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        return cls(url, library, body["device"], body["token"])

    def push(self, events: list[Event], *, as_device: str | None = None, readdress: bool = True) -> requests.Response:
        """Sends ``events`` (re-addressed to its library unless told not to), claiming ``as_device`` wrote them."""
        forged = [replace(e, library=self.library if readdress else e.library, device=as_device or e.device).to_wire()
                  for e in events]
        body = {"protocol": protocol.PROTOCOL, "library": self.library, "device": self.device, "events": forged,
                "cursors": {}}
        return requests.post(self.url + protocol.SYNC_PATH, data=protocol.encode(body), timeout=30,
                             headers={"Content-Encoding": "gzip", "Content-Type": "application/json",
                                      "Authorization": f"Bearer {self.token}"})


def enroll_raw(url: str, code: str, library: str, device: str, **extra: Any) -> requests.Response:
    body = {"code": code, "library": library, "device": device, "name": "kiosk", **extra}
    return requests.post(url + protocol.ENROLL_PATH, data=protocol.encode(body, compress=False), timeout=30,
                         headers={"Content-Type": "application/json"})
