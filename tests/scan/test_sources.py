from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.scan.images import ImageError, image_files, load_gray
from kiosk.scan.sources import (
    ImageFilesSource, PiCameraSource, SourceUnavailable, VideoFileSource, WebcamSource, open_source,
)
from kiosk.scan.sources.picamera import picamera2_available
from kiosk.scan.sources.synthetic import camera_view
from kiosk.scan.decoder import Decoder
from tests.scan.cards import label_card, tool_code


def test_settings_name_the_source():
    assert isinstance(open_source("0"), WebcamSource)
    assert open_source("/dev/video3").path == "/dev/video3"
    assert isinstance(open_source("picamera:1"), PiCameraSource)
    assert isinstance(open_source("clip.mp4"), VideoFileSource)
    assert isinstance(open_source("photos/"), ImageFilesSource)


def test_a_webcam_that_is_not_there_is_missing():
    source = WebcamSource("/dev/video-none")
    with pytest.raises(SourceUnavailable) as raised:
        source.open()
    assert raised.value.state == "missing"
    assert "/dev/video-none" in raised.value.message


@pytest.mark.skipif(picamera2_available(), reason="picamera2 is installed here")
def test_without_picamera2_the_pi_camera_says_how_to_get_it():
    with pytest.raises(SourceUnavailable) as raised:
        PiCameraSource().open()
    assert raised.value.state == "unavailable"
    assert "python3-picamera2" in raised.value.message


def test_a_video_file_plays_its_frames_and_ends(tmp_path: Path):
    code = tool_code(31)
    card, module = label_card(code)
    rng = np.random.default_rng(4)
    path = tmp_path / "counter.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (640, 480), isColor=False)
    for _ in range(5):
        writer.write(camera_view(card, rng, module_px=module))
    writer.release()
    source = VideoFileSource(path)
    source.open()
    frames = []
    while (frame := source.read()) is not None:
        frames.append(frame)
    source.close()
    assert len(frames) == 5 and frames[0].shape == (480, 640)
    assert any(c.text == code for c in Decoder().decode(frames[0]))


def test_a_folder_of_images_plays_in_order_skipping_files_that_are_not_images(tmp_path: Path):
    (tmp_path / "b.png").write_bytes(cv2.imencode(".png", np.full((20, 30), 200, np.uint8))[1].tobytes())
    (tmp_path / "a.png").write_bytes(cv2.imencode(".png", np.full((10, 30), 100, np.uint8))[1].tobytes())
    (tmp_path / "c.jpg").write_text("not a picture")
    (tmp_path / "notes.txt").write_text("ignored")
    source = ImageFilesSource([tmp_path])
    source.open()
    assert [source.read().shape, source.read().shape, source.read()] == [(10, 30), (20, 30), None]


def test_missing_and_unreadable_images_say_which_and_why(tmp_path: Path):
    with pytest.raises(ImageError, match="no such file or folder: .*nowhere"):
        image_files([tmp_path / "nowhere"])
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG not really")
    with pytest.raises(ImageError, match="cannot read .*broken.png as an image"):
        load_gray(broken)
    empty = ImageFilesSource([tmp_path / "nowhere"])
    with pytest.raises(SourceUnavailable):
        empty.open()
