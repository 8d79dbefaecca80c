"""Members' own language, waiver texts per language, and the language of the waiver accepted;
events carrying none of these stay at version 1 for older kiosks and servers."""

from __future__ import annotations

import pytest

from kiosk.ledger import Ledger, LedgerError
from kiosk.ledger.events import MAX_WAIVER_CHARS


@pytest.fixture
def ledger(tmp_path):
    ledger = Ledger.create(tmp_path / "k", library="maple", name="Maple")
    yield ledger
    ledger.close()


def test_a_member_speaks_a_language_of_the_kiosk(ledger):
    member = ledger.add_member("M1", "Ana Ruiz", language="es")
    assert member["language"] == "es"
    assert ledger.edit_member("M1", language="en")["language"] == "en"
    before = len(ledger.events())
    for bad in ("fr", "ES", ""):
        with pytest.raises(LedgerError):
            ledger.edit_member("M1", language=bad or 5)
    assert len(ledger.events()) == before


def test_the_waiver_is_shown_in_the_members_language_and_recorded(ledger):
    ledger.configure(waiver_text="I borrow at my own risk.", waiver_texts={"es": "Tomo prestado bajo mi responsabilidad."})
    assert ledger.waiver("es") == ("Tomo prestado bajo mi responsabilidad.", "es")
    assert ledger.waiver("en") == ("I borrow at my own risk.", None)  # the library's one text
    ledger.add_member("M1", "Ana Ruiz", language="es")
    member = ledger.accept_waiver("M1", "es")
    assert (member["waiver_version"], member["waiver_language"]) == ("1", "es")


def test_waiver_texts_have_a_range(ledger):
    before = ledger.settings
    for bad in ({"fr": "Texte"}, {"es": 5}, {"es": "x" * (MAX_WAIVER_CHARS + 1)}):
        with pytest.raises(LedgerError):
            ledger.configure(waiver_texts=bad)
    with pytest.raises(LedgerError):
        ledger.configure(waiver_text="x" * (MAX_WAIVER_CHARS + 1))
    assert ledger.settings == before


def test_events_without_the_new_fields_stay_at_version_one(ledger):
    ledger.add_member("M1", "Ana Ruiz")
    ledger.accept_waiver("M1")
    ledger.edit_member("M1", language="es")
    ledger.accept_waiver("M1", "es")
    ledger.configure(waiver_texts={"es": "Texto"})
    versions = [(e.type, e.version) for e in ledger.events() if e.type.startswith(("member", "library"))]
    assert versions[-5:] == [("member.added", 1), ("member.edited", 1), ("member.edited", 1), ("member.edited", 2),
                             ("library.configured", 2)]


def test_a_new_library_has_its_waiver_in_each_language(ledger):
    assert ledger.waiver("es")[1] == "es" and ledger.waiver("en")[1] == "en"
    assert ledger.waiver("es")[0].startswith("Tomo prestadas")


def test_a_library_that_wrote_its_own_single_waiver_shows_that_one(ledger):
    ledger.configure(waiver_text="Our own words.")
    assert ledger.waiver("es") == ("Our own words.", None)
