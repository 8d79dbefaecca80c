"""A fresh library for each test, and the sample exports of each system in data/."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.ledger import Ledger

DATA = Path(__file__).parent / "data"


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    ledger = Ledger.create(tmp_path / "home", library="maple", name="Maple")
    yield ledger
    ledger.close()


@pytest.fixture
def write_csv(tmp_path: Path):
    """Writes text (or bytes) to a file in tmp_path and returns its path."""
    def write(content: str | bytes, name: str = "import.csv") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path
    return write
