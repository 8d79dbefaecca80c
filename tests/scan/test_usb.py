import os
import time
from types import SimpleNamespace

import pytest

from kiosk.scan.usb import UsbScanners, matches

evdev = pytest.importorskip("evdev")


def test_auto_reads_devices_that_name_themselves_scanners():
    assert matches("Honeywell Imaging & Mobility 1900", "/dev/input/event5", ["auto"])
    assert matches("NETUM Barcode Scanner", "/dev/input/event7", ["auto"])
    assert not matches("Logitech USB Keyboard", "/dev/input/event3", ["auto"])
    assert not matches("raspberrypi-ts", "/dev/input/event0", ["auto"])  # the touchscreen


def test_devices_can_be_named_by_path_or_part_of_their_name():
    assert matches("USB HID Keyboard", "/dev/input/event4", ["/dev/input/event4"])
    assert matches("USB HID Keyboard", "/dev/input/event4", ["hid keyboard"])
    assert not matches("USB HID Keyboard", "/dev/input/event4", ["/dev/input/event9", "scanner"])


class FakeScanner:
    """Stands in for evdev.InputDevice on a machine without /dev/input: a pipe to select on, events to read."""

    plugged: dict[str, "FakeScanner"] = {}

    def __init__(self, path: str):
        if path not in self.plugged:
            raise OSError(19, "No such device")
        self.path, self.name = path, "NETUM Barcode Scanner"
        self._read_end, self._write_end = os.pipe()
        self.fd = self._read_end
        self.events: list = []
        self.grabbed = self.gone = False
        self.plugged[path] = self

    def capabilities(self):
        return {evdev.ecodes.EV_KEY: [evdev.ecodes.KEY_ENTER, evdev.ecodes.KEY_A]}

    def grab(self):
        self.grabbed = True

    def ungrab(self):
        self.grabbed = False

    def type(self, events: list) -> None:
        self.events += events
        os.write(self._write_end, b"x")

    def unplug(self) -> None:
        self.gone = True
        del self.plugged[self.path]
        os.write(self._write_end, b"x")

    def read(self):
        os.read(self._read_end, 1024)
        if self.gone:
            raise OSError(19, "No such device")
        events, self.events = self.events, []
        return iter(events)

    def close(self):
        for fd in (self._read_end, self._write_end):
            try:
                os.close(fd)
            except OSError:
                pass


def _wait(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not condition():
        time.sleep(0.01)
    return condition()


def test_a_scanner_is_grabbed_read_and_picked_up_again_after_being_replugged(monkeypatch):
    from tests.scan.test_keys import _events

    path = "/dev/input/event9"
    FakeScanner.plugged = {path: None}
    monkeypatch.setattr(evdev, "list_devices", lambda: list(FakeScanner.plugged))
    monkeypatch.setattr(evdev, "InputDevice", FakeScanner)
    monkeypatch.setattr(os, "stat", lambda p, *args, real=os.stat, **options: SimpleNamespace(
        st_ctime=id(FakeScanner.plugged.get(p))) if p == path else real(p, *args, **options))
    lines, statuses = [], []
    scanners = UsbScanners(lambda text, device: lines.append((text, device)), statuses.append, rescan_every=0.05)
    scanners.start()
    try:
        assert _wait(lambda: isinstance(FakeScanner.plugged.get(path), FakeScanner))
        first = FakeScanner.plugged[path]
        assert _wait(lambda: first.grabbed)
        first.type(_events("AbC-12x"))
        assert _wait(lambda: lines)
        first.unplug()
        assert _wait(lambda: [s.state for s in statuses] == ["ready", "lost"])
        FakeScanner.plugged[path] = None
        assert _wait(lambda: isinstance(FakeScanner.plugged.get(path), FakeScanner) and FakeScanner.plugged[path].grabbed)
        FakeScanner.plugged[path].type(_events("MAPLE-TK3QD7-007-Y"))
        assert _wait(lambda: len(lines) == 2)
    finally:
        scanners.stop()
    assert lines == [("AbC-12x", "NETUM Barcode Scanner"), ("MAPLE-TK3QD7-007-Y", "NETUM Barcode Scanner")]
    assert [s.state for s in statuses] == ["ready", "lost", "ready"]
