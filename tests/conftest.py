"""Fixtures shared by every test package."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import pytest

# Kivy reads these at import: keep it off pytest's arguments and away from a cached config.
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kivy-home-"))

from kiosk.ledger import Ledger  # noqa: E402

TODAY = date(2026, 11, 19)  # a Thursday


@pytest.fixture
def fresh_ledger(tmp_path: Path) -> Ledger:
    """An empty library, open every weekday, with one tool-less, member-less catalog."""
    ledger = Ledger.create(tmp_path / "home", library="maple", name="Maple Street Tool Library")
    ledger.configure(open_weekdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    yield ledger
    ledger.close()


@pytest.fixture
def stocked_ledger(fresh_ledger: Ledger) -> Ledger:
    """Three tools and two members who may borrow (waiver signed, membership current)."""
    fresh_ledger.add_tool("T1", "Cordless drill", category="Power tools > Drills", kit=["battery", "charger"])
    fresh_ledger.add_tool("T2", "Spade", category="Garden > Digging")
    fresh_ledger.add_tool("T3", "Step ladder", category="Ladders", loan_days=3)
    for code, name in (("M1", "Ana Lopez"), ("M2", "Ben Okafor")):
        fresh_ledger.add_member(code, name, email=f"{code.lower()}@example.org", expires="2030-01-01")
        fresh_ledger.accept_waiver(code)
    return fresh_ledger
