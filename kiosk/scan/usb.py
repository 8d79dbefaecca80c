"""USB barcode scanners that type like a keyboard, read straight from /dev/input with evdev.

Each scanner is grabbed, so its keystrokes reach neither the UI's text
input (which drops characters from fast scanners on the Pi) nor the
console. Devices are looked for again every few seconds, so a scanner
plugged in, pulled out or plugged back is picked up without a restart.
Reading /dev/input needs the kiosk's user in the 'input' group.
"""

from __future__ import annotations

import os
import select
import time
from typing import Callable, Sequence

from kiosk.scan.events import USB_SCANNER, StatusEvent
from kiosk.scan.loop import ThreadLoop
from kiosk.scan.keys import KEY_ENTER, KeyTranslator

RETRY_REFUSED = 30.0  # seconds before a device we may not read (permissions, held elsewhere) is tried again

# Words in the names scanners give themselves; "auto" reads devices whose name has one.
SCANNER_WORDS = (
    "barcode", "bar code", "scanner", "scan", "symbol", "honeywell", "metrologic", "datalogic", "zebra",
    "newland", "netum", "inateck", "tera", "eyoyo", "opticon", "code reader", "hid pos", "wedge",
)  # fmt: skip


def evdev_available() -> bool:
    try:
        import evdev  # noqa: F401
    except ImportError:
        return False
    return True


def matches(name: str, path: str, wanted: Sequence[str]) -> bool:
    """Whether the device called ``name`` at ``path`` is one of ``wanted``: paths, name fragments or "auto"."""
    lowered = name.lower()
    for entry in wanted:
        if entry == "auto":
            if any(word in lowered for word in SCANNER_WORDS):
                return True
        elif entry.startswith("/dev/"):
            if os.path.realpath(entry) == os.path.realpath(path):
                return True
        elif entry.lower() in lowered:
            return True
    return False


class UsbScanners(ThreadLoop):
    """Reads every matching scanner on one thread; ``on_text(text, device_name)`` gets each scanned line."""

    thread_name = "scan-usb"

    def __init__(
        self,
        on_text: Callable[[str, str], None],
        on_status: Callable[[StatusEvent], None],
        wanted: Sequence[str] = ("auto",),
        *,
        rescan_every: float = 2.0,
    ):
        super().__init__()
        self.on_text = on_text
        self.on_status = on_status
        self.wanted = tuple(wanted)
        self.rescan_every = rescan_every
        self._devices: dict[str, object] = {}  # path -> evdev.InputDevice
        self._translators: dict[str, KeyTranslator] = {}
        self._refused: dict[str, float] = {}  # path -> when to try it again
        self._not_scanners: set[tuple[str, float]] = set()  # (path, node's ctime): a replugged device gets a new node

    @property
    def connected(self) -> list[str]:
        """Names of the scanners being read now."""
        return [getattr(d, "name", path) for path, d in list(self._devices.items())]

    def stop(self, timeout: float = 2.0) -> None:
        super().stop(timeout)
        for path in list(self._devices):
            self._close(path)

    def _status(self, state: str, message: str, device: str = "") -> None:
        self.on_status(StatusEvent(USB_SCANNER, state, message, time.monotonic(), device))

    def _run(self) -> None:
        next_scan = 0.0
        while not self._stop.is_set():
            if time.monotonic() >= next_scan:
                self._look_for_devices()
                next_scan = time.monotonic() + self.rescan_every
            if not self._devices:
                self._stop.wait(min(0.5, self.rescan_every))
                continue
            by_fd = {d.fd: path for path, d in self._devices.items()}
            try:
                ready, _, _ = select.select(list(by_fd), [], [], 0.5)
            except (OSError, ValueError):  # a device vanished between listing and select
                ready = list(by_fd)
            for fd in ready:
                self._read(by_fd[fd])

    def _look_for_devices(self) -> None:
        import evdev

        now = time.monotonic()
        for path in evdev.list_devices():
            if path in self._devices or self._refused.get(path, 0.0) > now:
                continue
            try:
                node = (path, os.stat(path).st_ctime)
            except OSError:
                continue
            if node in self._not_scanners:
                continue
            try:
                device = evdev.InputDevice(path)
            except PermissionError:
                if path not in self._refused:  # say so once, not at every retry
                    self._status("unavailable", f"no permission to read {path}: add the kiosk's user to the 'input' group", path)
                self._refused[path] = now + RETRY_REFUSED
                continue
            except OSError:
                continue
            keys = device.capabilities().get(evdev.ecodes.EV_KEY, [])
            if KEY_ENTER not in keys or not matches(device.name, path, self.wanted):
                device.close()
                self._not_scanners.add(node)
                continue
            try:
                device.grab()
            except OSError as exc:
                device.close()
                if path not in self._refused:
                    self._status("busy", f"{device.name} is held by another program: {exc}", device.name)
                self._refused[path] = now + RETRY_REFUSED
                continue
            self._devices[path] = device
            self._translators[path] = KeyTranslator()
            self._status("ready", f"barcode scanner {device.name} connected", device.name)

    def _read(self, path: str) -> None:
        device = self._devices.get(path)
        if device is None:
            return
        try:
            for event in device.read():
                line = self._translators[path].feed_event(event)
                if line:
                    self.on_text(line, device.name)
        except BlockingIOError:
            pass
        except OSError:  # unplugged: ENODEV
            name = device.name
            self._close(path)
            self._status("lost", f"barcode scanner {name} disconnected", name)

    def _close(self, path: str) -> None:
        device = self._devices.pop(path, None)
        self._translators.pop(path, None)
        if device is not None:
            try:
                device.ungrab()
            except OSError:
                pass
            try:
                device.close()
            except OSError:
                pass
