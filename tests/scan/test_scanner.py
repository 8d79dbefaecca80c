"""The Scanner facade: camera, decode worker and keystrokes into one stream of events."""

import queue
import time

import pytest

from kiosk.scan import KEYBOARD, ScanEvent, Scanner, ScannerConfig, StatusEvent
from kiosk.scan.sources.synthetic import Scene, SyntheticSource
from tests.scan.cards import label_card, tool_code


def _next(events: queue.Queue, kind: type, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            event = events.get(timeout=0.1)
        except queue.Empty:
            continue
        if isinstance(event, kind):
            return event
    raise AssertionError(f"no {kind.__name__} within {timeout} s")


def test_a_label_in_front_of_the_camera_becomes_one_scan_event():
    code = tool_code(21)
    card, module = label_card(code)
    source = SyntheticSource([Scene(card, 30, module), Scene(None, 10)], fps=30)
    scanner = Scanner(source=source, usb_scanners=None)
    scanner.start()
    try:
        assert _next(scanner.events, StatusEvent).state == "ready"
        scan = _next(scanner.events, ScanEvent)
        assert (scan.source, scan.text, scan.symbology) == ("camera", code, "code128")
        assert _next(scanner.events, StatusEvent).state == "ended"
    finally:
        scanner.stop()
    assert scanner.events.empty()


def test_scans_and_statuses_go_to_their_own_callbacks():
    code = tool_code(22)
    card, module = label_card(code)
    scans, statuses = [], []
    scanner = Scanner(source=SyntheticSource([Scene(card, 20, module)], fps=30), usb_scanners=None,
                      on_scan=scans.append, on_status=statuses.append)
    scanner.start()
    try:
        deadline = time.monotonic() + 10
        while not (scans and statuses and statuses[-1].state == "ended") and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        scanner.stop()
    assert [s.text for s in scans] == [code]
    assert [s.state for s in statuses] == ["ready", "ended"]


def test_keystroke_bursts_are_scans_when_usb_scanners_cannot_be_read_directly():
    scanner = Scanner(camera=None, usb_scanners=None)
    assert not scanner.reads_usb
    assert scanner.camera_state == "off"
    assert scanner.frame() is None
    results = [scanner.feed_keystroke(ch, 5.0 + i * 0.003) for i, ch in enumerate("AbC-9876\n")]
    assert results == [False] * 8 + [True]
    assert scanner.events.get_nowait() == ScanEvent(KEYBOARD, "AbC-9876", "unknown", 5.0 + 8 * 0.003)


def test_settings_override_the_config():
    scanner = Scanner(ScannerConfig(camera=None, fps=15), usb_scanners=None, rearm_after=2.5)
    assert (scanner.config.fps, scanner.config.rearm_after, scanner.config.camera) == (15, 2.5, None)
    with pytest.raises(TypeError):
        Scanner(camera=None, no_such_setting=1)
