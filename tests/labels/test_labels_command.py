"""`toolkiosk labels ...` against a real ledger: the printed files scan back to the library's codes."""

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pyzbar import pyzbar

from kiosk.cli import main
from kiosk.codeformat import ALPHABET, code_kind, is_minted_code


def _labels(capsys, home: Path, *args: str) -> tuple[int, dict, str]:
    status = main(["labels", *args, "--home", str(home), "--format", "json"])
    out, err = capsys.readouterr()
    return status, (json.loads(out) if out.strip() else {}), err


def _scanned(paths: list[str]) -> list[str]:
    codes = []
    for path in paths:
        with Image.open(path) as page:
            codes += [d.data.decode() for d in pyzbar.decode(np.asarray(page.convert("L")))]
    return sorted(codes)


@pytest.fixture
def home(fresh_ledger) -> Path:
    fresh_ledger.add_tool(None, "Cordless drill")
    fresh_ledger.add_tool(None, "Hedge trimmer")
    fresh_ledger.add_member(None, "Ana Lopez")
    return Path(fresh_ledger.path).parent


def test_tool_labels_for_the_whole_catalog_scan_back_to_its_codes(home, fresh_ledger, tmp_path, capsys):
    status, result, _ = _labels(capsys, home, "tools", "--all", "--out", str(tmp_path / "tools.png"), "--dpi", "300")
    assert status == 0
    tool_codes = sorted(t["code"] for t in fresh_ledger.list_tools())
    assert result["labels"] == 2 and result["stock"] == "5160"
    assert _scanned(result["files"]) == tool_codes


def test_member_cards_on_the_thermal_roll(home, fresh_ledger, tmp_path, capsys):
    member = fresh_ledger.list_members()[0]["code"]
    status, result, _ = _labels(capsys, home, "members", "--codes", member, "--stock", "62mm", "--out", str(tmp_path / "card.png"))
    assert status == 0
    assert _scanned(result["files"]) == [member]


def test_an_unknown_code_is_refused_by_name(home, tmp_path, capsys):
    status, _, err = _labels(capsys, home, "tools", "--codes", "NOPE-1", "--out", str(tmp_path / "x.pdf"))
    assert status == 1 and "NOPE-1" in err
    assert not (tmp_path / "x.pdf").exists()


def test_blank_labels_carry_fresh_codes_never_handed_out_twice(home, tmp_path, capsys):
    _, first, _ = _labels(capsys, home, "blank", "--count", "3", "--out", str(tmp_path / "a.png"), "--dpi", "300")
    _, second, _ = _labels(capsys, home, "blank", "--count", "2", "--stock", "l7160", "--out", str(tmp_path / "b.pdf"))
    codes = first["codes"] + second["codes"]
    assert len(set(codes)) == 5
    assert all(is_minted_code(c) and code_kind(c) == "tool" for c in codes)
    assert _scanned(first["files"]) == sorted(first["codes"])
    assert Path(second["files"][0]).read_bytes().startswith(b"%PDF")


def test_a_bad_output_name_wastes_no_codes(home, fresh_ledger, tmp_path, capsys):
    status, _, err = _labels(capsys, home, "blank", "--count", "5", "--out", str(tmp_path / "labels.svg"))
    assert status == 1 and ".pdf or .png" in err
    before = fresh_ledger.mint_codes("tool", 1)[0]
    _, result, _ = _labels(capsys, home, "blank", "--count", "1", "--out", str(tmp_path / "one.pdf"))
    assert _sequence(result["codes"][0]) == _sequence(before) + 1


def _sequence(code: str) -> int:
    """The minting device's sequence number in a code (base 32, Crockford's digits)."""
    return sum(ALPHABET.index(ch) * 32**i for i, ch in enumerate(reversed(code.split("-")[2])))


def test_an_unknown_stock_lists_the_choices(home, tmp_path, capsys):
    status, _, err = _labels(capsys, home, "tools", "--all", "--stock", "a4-plain", "--out", str(tmp_path / "x.pdf"))
    assert status == 1 and "5160, l7160, 62mm" in err
