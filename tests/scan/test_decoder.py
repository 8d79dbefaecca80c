"""The decoder on real photos and on camera frames of our own labels."""

import numpy as np
import pytest

from kiosk.scan.decoder import Decoder
from kiosk.scan.images import image_files, load_gray
from kiosk.scan.regions import find_regions
from kiosk.scan.sources.synthetic import CameraConditions, camera_view
from kiosk.scan.symbologies import ALL, DEFAULT
from tests.scan.cards import PHOTOS, label_card, tool_code

needs_photos = pytest.mark.skipif(not PHOTOS.is_dir(), reason="the shared barcode photos are not here")


@pytest.fixture(scope="module")
def still():
    return Decoder(frozenset(ALL), still=True)


@needs_photos
@pytest.mark.parametrize(
    "photo, text, symbology",
    [
        ("upca-1/2.webp", "036602301467", "upca"),
        ("ean13-1/35.webp", "5030159003930", "ean13"),
        ("ean13-1/34.webp", "9781558604971", "ean13"),  # only read at twice the size
        ("code128-1/6.png", "óóóó1234óóabózz", "code128"),  # extended characters zbar garbles
        ("qrcode-2/10.png", "Google モバイル\r\nhttp://google.jp", "qrcode"),  # Shift_JIS
        ("qrcode-2/12.webp", "The 2005 USGS aerial photography of the Washington Monument is censored.", "qrcode"),
    ],
)
def test_real_photos_decode_to_their_text(still, photo, text, symbology):
    codes = still.decode(load_gray(PHOTOS / photo))
    assert [(c.text, c.symbology) for c in codes] == [(text, symbology)]


@needs_photos
def test_nothing_is_read_from_photos_without_a_barcode(still):
    photos = image_files([PHOTOS / "falsepositives-1"])
    assert len(photos) >= 20
    assert {p.name: still.decode(load_gray(p)) for p in photos} == {p.name: [] for p in photos}


@needs_photos
def test_symbologies_not_in_use_are_not_read():
    qr_photo = load_gray(PHOTOS / "qrcode-2/10.png")
    assert Decoder(frozenset({"code128", "ean13"}), still=True).decode(qr_photo) == []


def test_camera_frames_of_a_tilted_label_decode():
    code = tool_code(7)
    card, module = label_card(code)
    rng = np.random.default_rng(3)
    decoder = Decoder(DEFAULT)
    frames = [camera_view(card, rng, CameraConditions(), module) for _ in range(30)]
    read = [decoder.decode(frame) for frame in frames]
    assert sum(any(c.text == code for c in codes) for codes in read) >= 29
    assert all(c.text == code for codes in read for c in codes)


def test_a_frame_with_nothing_barcode_like_costs_only_the_look():
    rng = np.random.default_rng(5)
    empty = camera_view(None, rng)
    assert not [r for r in find_regions(empty) if r.kind == "linear"]
    assert Decoder(DEFAULT).decode(empty) == []


def test_colour_images_are_accepted():
    code = tool_code(8)
    card, _ = label_card(code)
    colour = np.dstack([card, card, card])
    assert [c.text for c in Decoder(DEFAULT, still=True).decode(colour)] == [code]
