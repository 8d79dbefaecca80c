"""Coordinators on the kiosk: the whole overdue list with its export to a real USB drive, sync
state in plain words, conflicts naming kiosks, and settings errors beside their field."""

from __future__ import annotations

import csv
import os
from functools import partial

from kiosk.ui.drives import removable_drives
from sync.client import SyncStatus
from tests.ui.test_staff import open_settings, sign_in


def fake_usb_stick(tmp_path, label: str = "KINGSTON"):
    """A mounts file and /sys/block as the system shows a USB stick mounted under /media/pi."""
    media = tmp_path / "media"
    stick = media / "pi" / label
    stick.mkdir(parents=True)
    (tmp_path / "boot").mkdir()
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/mmcblk0p2 / ext4 rw,noatime 0 0\n"
                      f"/dev/mmcblk0p1 {tmp_path}/boot vfat rw 0 0\n"
                      f"/dev/sda1 {stick} vfat rw,nosuid,nodev,relatime 0 0\n")
    block = tmp_path / "sys-block"
    for disk, removable in (("mmcblk0", "0"), ("sda", "1")):
        (block / disk / f"{disk}1" if disk == "sda" else block / disk / f"{disk}p1").mkdir(parents=True)
        (block / disk / "removable").write_text(removable + "\n")
    return partial(removable_drives, mounts=mounts, sys_block=block, bases=(media,)), stick


def test_overdue_list_takes_the_screen_and_exports_to_a_usb_drive(kiosk, ledger, tmp_path):
    finder, stick = fake_usb_stick(tmp_path)
    kiosk.app.service.find_drives = finder
    sign_in(kiosk, "coordinator", "4321")
    kiosk.tap(kiosk.find(f"Overdue ({len(ledger.overdue())})"))
    screen = kiosk.screen
    rows, scroll = screen.ids.rows.children, screen.ids.scroll
    assert len(rows) == len(ledger.overdue()) > 20
    seen = [r for r in rows if scroll.y <= r.to_window(*r.pos)[1] - scroll.to_window(0, 0)[1] + scroll.y
            and r.to_window(r.x, r.top)[1] <= scroll.to_window(0, scroll.top)[1] + 1]
    assert len(seen) >= 4  # the list, not an export form, fills the screen
    assert not [t for t in kiosk.texts() if "/" in t and "media" in t]  # no path to type
    ledger.edit_member(ledger.overdue()[0]["member_code"], name='=HYPERLINK("http://evil.example")')
    kiosk.tap(kiosk.find("Export…"))
    assert "Save the overdue list (CSV, for a spreadsheet) to:" in kiosk.texts()
    kiosk.tap(kiosk.find("USB drive KINGSTON"))
    exported = list(stick.glob("overdue-*.csv"))
    assert len(exported) == 1 and kiosk.app.toast.text == f"Saved {exported[0].name} on the USB drive KINGSTON."
    with open(exported[0], newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(ledger.overdue())
    names = [row["member_name"] for row in rows]
    assert """'=HYPERLINK("http://evil.example")""" in names   # written as text, never run by a spreadsheet
    assert not [cell for row in rows for cell in row.values() if cell[:1] in ("=", "@")]
    assert screen.exporting is False


def test_export_with_no_drive_says_to_plug_one_in(kiosk, ledger, tmp_path):
    finder, stick = fake_usb_stick(tmp_path)
    kiosk.app.service.find_drives = partial(removable_drives, mounts=tmp_path / "no-mounts")
    sign_in(kiosk, "coordinator", "4321")
    kiosk.tap(kiosk.find(f"Overdue ({len(ledger.overdue())})"))
    kiosk.tap(kiosk.find("Export…"))
    assert "No USB drive is plugged in. Plug one into the kiosk, then look again." in kiosk.texts()
    kiosk.app.service.find_drives = finder
    kiosk.tap(kiosk.find("Look for drives again"))
    assert kiosk.find("USB drive KINGSTON")
    kiosk.tap(kiosk.find("Back to the list"))
    assert not kiosk.screen.exporting


def test_sync_state_in_plain_words(kiosk):
    sign_in(kiosk, "coordinator", "4321")
    try:
        kiosk.app.show_sync_status(SyncStatus(enrolled=True, online=False, last_sync=None, waiting=693,
                                              server="https://tools.example.org", error=None))
        kiosk.pump()
        assert kiosk.screen.name == "coordinator"  # a sync status reaching the app is no failure
        kiosk.screen.refresh()
        assert "693 changes not sent to the server yet" in kiosk.screen.sync_lines
        assert "Events" not in kiosk.screen.sync_lines
        kiosk.app.show_sync_status(SyncStatus(enrolled=True, online=True, last_sync=None, waiting=0,
                                              server="https://tools.example.org", error=None))
        kiosk.screen.refresh()
        assert "Every change is on the server." in kiosk.screen.sync_lines
    finally:
        kiosk.app.sync_status = None


def test_a_clock_running_ahead_is_told_on_the_sync_state(kiosk):
    sign_in(kiosk, "coordinator", "4321")
    try:
        kiosk.app.show_sync_status(SyncStatus(enrolled=True, online=True, last_sync=None, waiting=0,
                                              server="https://tools.example.org", error=None,
                                              clock_ahead_ms=70 * 365 * 86_400_000))
        kiosk.screen.refresh()
        assert "This kiosk's clock runs 70 years ahead of the server's." in kiosk.screen.sync_lines
        assert "changes stamped ahead are refused" in kiosk.screen.sync_lines
        kiosk.app.show_sync_status(SyncStatus(enrolled=True, online=True, last_sync=None, waiting=0,
                                              server="https://tools.example.org", error=None))
        kiosk.screen.refresh()
        assert "clock" not in kiosk.screen.sync_lines
    finally:
        kiosk.app.sync_status = None


def test_a_settings_error_shows_beside_its_field(kiosk, ledger):
    screen = open_settings(kiosk)
    scroll = screen.ids.scroll
    for field, text, place in [(screen.ids.closed_dates, "Christmas", "closed_dates"),
                               (screen.ids.loan_limit, "0", "loans"),
                               (screen.ids.pin_volunteer, "12", "pins")]:
        kept = field.text
        kiosk.type(field, text)
        scroll.scroll_y = 1 if place == "pins" else 0  # wherever the coordinator was
        kiosk.tap(kiosk.find("Save"))
        kiosk.pump(3)
        error = screen.ids[f"error_{place}"]
        assert error.text and error.text in kiosk.texts()
        top, bottom = scroll.to_window(0, scroll.top)[1], scroll.to_window(0, scroll.y)[1]
        y = error.to_window(error.x, error.y)[1]
        assert bottom <= y and y + error.height <= top  # in view, where it belongs
        field_y = field.to_window(field.x, field.y)[1]
        assert 0 < field_y - y < 300 and not screen.error  # right under its own part of the form
        kiosk.type(field, kept)
    kiosk.tap(kiosk.find("Save"))
    assert kiosk.screen.name == "coordinator"


def test_conflicts_name_the_kiosks(kiosk, ledger):
    sign_in(kiosk, "coordinator", "4321")
    kiosk.tap(kiosk.find("Conflicts to settle (1)"))
    sides = " ".join(kiosk.screen.sides)
    assert "Kiosk: Front counter" in sides and "Kiosk: Back room" in sides
    assert ledger.device["id"] not in sides and "DEMOBACKROOM" not in sides
