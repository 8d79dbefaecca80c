"""`toolkiosk decode FILE_OR_DIR...`: one JSON line per image."""

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.cli import main
from tests.scan.cards import PHOTOS, label_card, tool_code


def _run(capsys, *args: str) -> tuple[int, list[dict], str]:
    code = main(["decode", *args])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_each_image_gets_a_line_with_its_codes_and_decode_time(tmp_path: Path, capsys):
    code = tool_code(51)
    card, _ = label_card(code)
    cv2.imwrite(str(tmp_path / "label.png"), card)
    cv2.imwrite(str(tmp_path / "blank.png"), np.full((200, 300), 230, np.uint8))
    status, lines, _ = _run(capsys, str(tmp_path))
    assert status == 0
    assert [Path(line["file"]).name for line in lines] == ["blank.png", "label.png"]
    assert lines[0]["codes"] == []
    assert lines[1]["codes"] == [{"text": code, "format": "code128"}]
    assert all(isinstance(line["ms"], float) and line["ms"] >= 0 for line in lines)


@pytest.mark.skipif(not PHOTOS.is_dir(), reason="the shared barcode photos are not here")
def test_a_upca_is_printed_as_the_12_digits_people_type(capsys):
    status, lines, _ = _run(capsys, str(PHOTOS / "upca-1" / "2.webp"))
    assert status == 0
    assert lines[0]["codes"] == [{"text": "036602301467", "format": "upca"}]


def test_a_missing_path_is_an_error_before_anything_is_decoded(tmp_path: Path, capsys):
    cv2.imwrite(str(tmp_path / "fine.png"), np.full((50, 50), 255, np.uint8))
    status, lines, err = _run(capsys, str(tmp_path / "fine.png"), str(tmp_path / "gone.png"))
    assert status == 1
    assert lines == []
    assert "no such file or folder" in err and "gone.png" in err


def test_an_unreadable_image_is_named_and_the_rest_are_still_decoded(tmp_path: Path, capsys):
    (tmp_path / "a-broken.jpg").write_bytes(b"\xff\xd8 truncated")
    cv2.imwrite(str(tmp_path / "b-fine.png"), np.full((50, 50), 255, np.uint8))
    status, lines, err = _run(capsys, str(tmp_path))
    assert status == 1
    assert [Path(line["file"]).name for line in lines] == ["b-fine.png"]
    assert "a-broken.jpg" in err and "1 of 2 files could not be read" in err


def test_unknown_symbologies_are_refused(tmp_path: Path, capsys):
    cv2.imwrite(str(tmp_path / "fine.png"), np.full((50, 50), 255, np.uint8))
    status, _, err = _run(capsys, str(tmp_path), "--symbologies", "code128,aztec")
    assert status == 1 and "aztec" in err
