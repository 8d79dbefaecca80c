"""A coordinator manages a waiting list in a real browser (Debian's Chromium, headless)."""

from __future__ import annotations

from tests.web.conftest import sync
from tests.web.test_browser import browser, log_in, page  # noqa: F401  (fixtures)


def test_place_move_and_cancel_holds_from_the_holds_page(maple, web, page):  # noqa: F811
    maple.place_hold("M1", "MT2")
    sync(maple)
    log_in(page, web)
    page.get_by_role("link", name="Holds").click()
    page.get_by_label("Member's card").fill("M3")
    page.get_by_label("Tool's code").fill("MT2")
    page.get_by_role("button", name="Place hold").click()
    assert "Hold placed." in page.locator("[role=status]").inner_text()
    rows = page.locator("tbody tr")
    assert rows.count() == 2 and "number 2 in line" in rows.nth(1).inner_text()

    carla = rows.nth(1)
    carla.get_by_label("Move to place").fill("1")
    carla.get_by_label("Reason").fill("asked first, by phone")
    carla.get_by_role("button", name="Move").click()
    assert "Hold moved in line." in page.locator("[role=status]").inner_text()
    first = page.locator("tbody tr").nth(0).inner_text()
    assert "Carla" in first and "number 1 in line" in first and "asked first, by phone" in first

    page.get_by_role("button", name="Cancel Ana Lopez's hold on Spade").click()
    assert "Hold cancelled." in page.locator("[role=status]").inner_text()
    assert page.locator("tbody tr").count() == 1
    sync(maple)
    assert [(h["member_code"], h["position"]) for h in maple.holds(current_only=True)] == [("M3", 1)]
