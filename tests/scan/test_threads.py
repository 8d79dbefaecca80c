"""The decode worker and the camera thread, running for real on their own threads."""

import time

import numpy as np

from kiosk.scan.camera import CameraReader
from kiosk.scan.debounce import Debouncer
from kiosk.scan.decoder import Decoder
from kiosk.scan.events import ScanEvent, StatusEvent
from kiosk.scan.sources.synthetic import Scene, SyntheticSource, camera_view
from kiosk.scan.worker import DecodeWorker
from tests.scan.cards import label_card, tool_code


def _wait_for(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


class SlowDecoder(Decoder):
    """A real decoder that also takes its time, as a busy Pi would."""

    def decode(self, image):
        time.sleep(0.05)
        return super().decode(image)


def test_the_worker_drops_stale_frames_and_decodes_the_newest():
    code = tool_code(11)
    card, module = label_card(code)
    rng = np.random.default_rng(1)
    empty = [camera_view(None, rng) for _ in range(3)]
    label = camera_view(card, rng, module_px=module)
    events: list[ScanEvent] = []
    worker = DecodeWorker(SlowDecoder(), Debouncer(confirm_frames=1), events.append)
    worker.start()
    try:
        for _ in range(10):  # far faster than the worker decodes
            for frame in empty:
                worker.submit(frame)
                assert worker.waiting <= 1
        worker.submit(label)
        assert _wait_for(lambda: events)
    finally:
        worker.stop()
    assert worker.frames_dropped >= 25
    assert worker.frames_decoded <= 5
    assert [(e.source, e.text, e.symbology) for e in events] == [("camera", code, "code128")]


def test_a_label_held_in_view_then_shown_again_gives_two_scans():
    code = tool_code(12)
    card, module = label_card(code)
    source = SyntheticSource([Scene(card, 15, module), Scene(None, 45), Scene(card, 15, module)], fps=30, seed=2)
    events: list = []
    worker = DecodeWorker(Decoder(), Debouncer(rearm_after=1.0), events.append, device=source.name)
    reader = CameraReader(source, worker.submit, events.append)
    worker.start()
    reader.start()
    try:
        assert _wait_for(lambda: any(isinstance(e, StatusEvent) and e.state == "ended" for e in events), 15)
        assert _wait_for(lambda: worker.waiting == 0)
        time.sleep(0.2)
    finally:
        reader.stop()
        worker.stop()
    scans = [e for e in events if isinstance(e, ScanEvent)]
    assert [(s.text, s.device) for s in scans] == [(code, "synthetic camera")] * 2
    assert scans[1].time - scans[0].time > 1.0


def test_a_camera_unplugged_mid_session_is_reported_and_comes_back_by_itself():
    code = tool_code(13)
    card, module = label_card(code)
    source = SyntheticSource([Scene(None, 1)], fps=60, loop=True, seed=3)
    statuses: list[StatusEvent] = []
    scans: list[ScanEvent] = []
    worker = DecodeWorker(Decoder(), Debouncer(), scans.append)
    reader = CameraReader(source, worker.submit, statuses.append, retry_after=0.05, retry_max=0.1)
    worker.start()
    reader.start()
    try:
        assert _wait_for(lambda: reader.state == "ready")
        source.unplug()
        assert _wait_for(lambda: reader.state == "missing")
        assert reader.latest_frame is None
        source.scenes = [Scene(card, 1, module)]
        source.plug()
        assert _wait_for(lambda: scans, 15)
    finally:
        reader.stop()
        worker.stop()
    assert [s.state for s in statuses] == ["ready", "lost", "missing", "ready"]
    assert "unplugged" in statuses[1].message
    assert scans[0].text == code


def test_a_camera_missing_at_start_is_reported_once_while_retrying():
    source = SyntheticSource([Scene(None, 1)], loop=True)
    source.unplug()
    statuses: list[StatusEvent] = []
    reader = CameraReader(source, lambda frame, at: None, statuses.append, retry_after=0.01, retry_max=0.02)
    reader.start()
    try:
        time.sleep(0.3)
        assert [s.state for s in statuses] == ["missing"]
        source.plug()
        assert _wait_for(lambda: reader.state == "ready")
    finally:
        reader.stop()


def test_the_preview_frame_carries_a_growing_serial():
    source = SyntheticSource([Scene(None, 1)], fps=60, loop=True)
    reader = CameraReader(source, lambda frame, at: None, lambda status: None)
    reader.start()
    try:
        assert _wait_for(lambda: reader.latest_frame is not None)
        first, frame = reader.latest_frame
        assert frame.shape == (480, 640) and frame.dtype == np.uint8
        assert _wait_for(lambda: reader.latest_frame[0] > first)
    finally:
        reader.stop()
