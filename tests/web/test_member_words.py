"""The member pages' dates and language choice."""

from __future__ import annotations

from sync.server.web.members import words


def test_dates_name_the_weekday_in_both_languages():
    assert words.long_date("2026-12-08", "en") == "Tuesday 8 December 2026"
    assert words.long_date("2026-12-08", "es") == "martes 8 de diciembre de 2026"


def test_the_browser_language_picks_by_weight():
    assert words.from_accept_language("en;q=0.4, es-MX;q=0.9") == "es"
    assert words.from_accept_language("fr, de") == "en"
    assert words.from_accept_language(None) == "en"
