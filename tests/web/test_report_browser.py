"""The repairs page and the impact report in a real browser (Debian's Chromium, headless):
filter and download, and a report that prints on one page in English and Spanish."""

from __future__ import annotations

import re

from tests.web.conftest import TODAY, days, sync
from tests.web.test_browser import browser, log_in, page  # noqa: F401  (fixtures)


def test_filter_repairs_and_download_the_csv(maple, web, page):  # noqa: F811
    ticket = maple.open_repair("MT3", "Loose rung", today=days(-3))
    maple.update_repair(ticket["id"], status="fixed", cost=4, today=days(-1))
    maple.open_repair("MT7", "Guard missing", today=days(-2))
    sync(maple)
    log_in(page, web)
    page.get_by_role("link", name="Repairs").click()
    rows = page.locator("tbody tr")
    assert rows.count() == 1 and "Guard missing" in rows.inner_text()
    page.get_by_label("Show").select_option("fixed")
    page.get_by_role("button", name="Show").click()
    assert page.locator("tbody tr").count() == 1 and "Loose rung" in page.locator("tbody tr").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert "Loose rung" in text and "Guard missing" not in text
    page.get_by_role("link", name="Step ladder").click()
    assert "Loose rung" in page.locator("table", has_text="What was wrong").inner_text()


def test_the_report_prints_on_one_page_in_both_languages(maple, web, page, tmp_path):  # noqa: F811
    log_in(page, web)
    for language, heading in (("en", "Impact report"), ("es", "Informe de impacto")):
        page.goto(f"{web.base}/report?from={days(-400)}&to={TODAY}&lang={language}")
        assert page.get_by_role("heading", level=1).inner_text().startswith(heading)
        assert page.locator("figure.chart svg").count() == 2
        assert page.locator("#loans").inner_text() == "6"
        page.screenshot(path=str(tmp_path / f"report-{language}.png"), full_page=True)
        pdf = page.pdf(format="A4")
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, f"the {language} report takes more than one page"


def test_the_report_charts_names_stay_apart_on_a_phone(maple, web, page):  # noqa: F811
    """Eight categories with long names: every name in the charts can be read, none runs into another."""
    people = [f"RB{p}" for p in range(5)]   # five borrowers each: no category is merged as a small group
    for code in people:
        maple.add_member(code, f"Borrower {code}", expires=days(400).isoformat())
        maple.accept_waiver(code)
    for n, category in enumerate(("Woodworking machines", "Gardening equipment", "Kitchen appliances",
                                  "Measuring instruments", "Painting and decorating", "Plumbing fittings")):
        maple.add_tool(f"LC{n}", f"Tool {n}", category=category)
        for p, code in enumerate(people):
            maple.checkout(code, [f"LC{n}"], today=days(-60 + 2 * p))
            maple.checkin(f"LC{n}", today=days(-59 + 2 * p))
    sync(maple)
    log_in(page, web)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{web.base}/report?from={days(-400)}&to={TODAY}")
    boxes = page.eval_on_selector_all(
        "figure.chart text", "texts => texts.map(t => { const b = t.getBoundingClientRect(); "
        "return [t.textContent, b.left, b.top, b.right, b.bottom]; })")
    assert len([b for b in boxes if b[0].startswith("Woodworking")]) == 1
    for i, (name, left, top, right, bottom) in enumerate(boxes):
        assert bottom - top >= 11, f"{name!r} is too small to read on a phone"
        for other, left2, top2, right2, bottom2 in boxes[i + 1:]:
            apart = right <= left2 or right2 <= left or bottom <= top2 or bottom2 <= top
            assert apart, f"{name!r} runs into {other!r}"
