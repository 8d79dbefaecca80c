"""A sync server holding the kiosk's demo library, a partner library, photos, accounts and reminders.

Used to render every page for review (``screenshots``), so each page shows
what a coordinator of a busy library would see: overdue loans, a double
checkout to settle, tools with photos, a partner's catalog, a reminder log.
``seed_for_kiosk`` makes the server `toolkiosk demo` runs beside its kiosk.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from kiosk.demo import BACK_ROOM, NAME, SLUG, seed_demo
from kiosk.ledger import Ledger
from sync.server import open_storage
from sync.server.storage import Device, Storage
from sync.server.web import accounts
from sync.server.web.adapter import StorageSource
from sync.server.web.config import WebConfig
from sync.server.web.public import settings as public_settings
from sync.server.web.public.settings import PublicSettings
from sync.server.web.reminders import optins, send as sending, settings as reminder_settings
from sync.server.web.reminders.optins import OptIn
from sync.server.web.state import WebState

PARTNER, PARTNER_NAME = "oak", "Oak Lane Tools"
COORDINATOR, VOLUNTEER, PASSWORD = "coordinator@example.org", "volunteer@example.org", "demo password 2026"
PHOTOGRAPHED = 8


def _wait(ledger) -> None:
    """A few members on the waiting lists of tools that are out, and one tool on the hold shelf."""
    out = [t["code"] for t in ledger.list_tools(status="on_loan")][:2]
    free = [m["code"] for m in ledger.list_members() if not ledger.checkout_refusals(m["code"], [])]
    for tool in out:
        for member in free[:3]:
            if not ledger.hold_refusals(member, tool):
                ledger.place_hold(member, tool)
    ledger.checkin(out[0])


def seed_server(folder: Path) -> Storage:
    """The server's storage with the demo library's events, as its two kiosks would have sent them."""
    storage = open_storage(folder / "server")
    storage.add_library(SLUG, NAME)
    storage.add_library(PARTNER, PARTNER_NAME)
    storage.add_partners(SLUG, PARTNER)
    ledger = seed_demo(folder / "kiosk")
    try:
        photos = _photograph(ledger)
        _wait(ledger)
        front = _enroll(storage, SLUG, ledger.device["id"], "Front counter")
        back = _enroll(storage, SLUG, BACK_ROOM, "Back room")
        events = [e.to_wire() for e in ledger.events()]
        storage.ingest(front, [e for e in events if e["device"] == front.id])
        storage.ingest(back, [e for e in events if e["device"] == back.id])
        for sha256, data in photos.items():
            storage.put_photo(front, sha256, data)
    finally:
        ledger.close()
    _seed_partner(storage, folder / "partner")
    return storage


def seed_for_kiosk(folder: Path, kiosk: Ledger) -> str:
    """A server in ``folder`` (its ``web`` folder holding the pages' files, as `serve` expects) for
    the demo kiosk, which enrolls and sends its own events itself: the library, the back-room
    kiosk's events, a partner library and the demo logins. Returns the front counter's
    enrollment code."""
    storage = open_storage(folder)
    try:
        storage.add_library(SLUG, NAME)
        storage.add_library(PARTNER, PARTNER_NAME)
        storage.add_partners(SLUG, PARTNER)
        back = _enroll(storage, SLUG, BACK_ROOM, "Back room")
        storage.ingest(back, [e.to_wire() for e in kiosk.events() if e.device == BACK_ROOM])
        _seed_partner(storage, folder / "partner-kiosk")
        state = WebState(StorageSource(storage), WebConfig(data_dir=folder / "web", cookie_secure=False))
        try:
            accounts.add(state.db, SLUG, COORDINATOR, PASSWORD)
            accounts.add(state.db, SLUG, VOLUNTEER, PASSWORD, role="volunteer")
            public_settings.save(state.db, SLUG, PublicSettings(show_partners=True))
        finally:
            state.close()
        return storage.invite(SLUG, kiosk.device["name"])
    finally:
        storage.close()


def seed_web(state: WebState) -> None:
    """Accounts, members' consent to reminders, and today's reminders sent."""
    accounts.add(state.db, SLUG, COORDINATOR, PASSWORD)
    accounts.add(state.db, SLUG, VOLUNTEER, PASSWORD, role="volunteer")
    reminder_settings.save(state.db, SLUG, {"enabled": True, "send_hour": 9, "reply_to": "desk@example.org"})
    public_settings.save(state.db, SLUG, PublicSettings(show_partners=True))
    view = state.views.get(SLUG)
    members = [r["code"] for r in view.query("SELECT code FROM members WHERE name IS NOT NULL ORDER BY code")]
    for n, code in enumerate(members):
        if n % 3 != 2:
            optins.set_optin(state, SLUG, code, OptIn(email=n % 3 == 0, sms=n % 3 == 1))
    sending.send(state, SLUG, force=True)


def _enroll(storage: Storage, library: str, device_id: str, name: str) -> Device:
    device, _token = storage.enroll(storage.invite(library, name), library, name, device_id=device_id)
    return device


def _photograph(ledger: Ledger) -> dict[str, bytes]:
    """Pictures for the first few tools (drawn, standing in for the kiosk camera's photos)."""
    photos = {}
    for n, tool in enumerate(ledger.list_tools()[:PHOTOGRAPHED * 3:3]):
        data = _picture(tool["name"], n)
        sha256 = hashlib.sha256(data).hexdigest()
        ledger.edit_tool(tool["code"], photo=f"photos/{sha256}.png")
        photos[sha256] = data
    return photos


def _picture(name: str, n: int) -> bytes:
    from PIL import Image, ImageDraw

    hues = [(214, 120, 40), (40, 110, 170), (70, 140, 80), (150, 70, 120), (180, 150, 40), (90, 90, 100)]
    image = Image.new("RGB", (320, 240), (236, 238, 240))
    draw = ImageDraw.Draw(image)
    color = hues[n % len(hues)]
    draw.rounded_rectangle((60, 70, 260, 150), radius=18, fill=color)
    draw.rectangle((140, 150, 180, 220), fill=tuple(c // 2 for c in color))
    draw.ellipse((230, 90, 290, 130), fill=(60, 60, 60))
    draw.text((12, 12), name, fill=(30, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _seed_partner(storage: Storage, home: Path) -> None:
    ledger = Ledger.create(home, library=PARTNER, name=PARTNER_NAME, device_name="Oak counter")
    try:
        for n, (name, category) in enumerate([("Log splitter", "Garden"), ("Floor sander", "Power tools > Sanders"),
                                              ("Scaffold tower", "Ladders"), ("Cement mixer", "Building"),
                                              ("Tile saw", "Power tools > Saws"), ("Chainsaw", "Garden")]):
            ledger.add_tool(f"OAK-{n + 1:03d}", name, category=category)
        ledger.add_member("OAK-M1", "Partner member", expires="2099-01-01")
        ledger.accept_waiver("OAK-M1")
        ledger.checkout("OAK-M1", ["OAK-002", "OAK-004"])
        ledger.set_tool_status("OAK-005", "in_repair")
        device = _enroll(storage, PARTNER, ledger.device["id"], "Oak counter")
        storage.ingest(device, [e.to_wire() for e in ledger.events()])
    finally:
        ledger.close()
