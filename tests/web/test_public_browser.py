"""A borrower on a phone, in a real browser: search, categories, a tool's availability, partners, languages."""

from __future__ import annotations

import pytest

from sync.server.web.public import routes
from sync.server.web.public.render import not_modified
from tests.web.public_fixtures import set_public, shelves  # noqa: F401
from tests.web.test_browser import browser  # noqa: F401

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def phone(browser):  # noqa: F811
    def open_phone(locale: str = "en-US"):
        context = browser.new_context(**PHONE, locale=locale)
        made.append(context)
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        return tab

    made: list = []
    yield open_phone
    for context in made:
        context.close()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_search_with_accents_open_a_tool_and_browse_a_category(shelves, web, phone):
    page = phone()
    page.goto(web.url + "/catalog/maple")
    assert fits_the_screen(page)
    page.get_by_label("Search the tools").fill("SIERRA")
    button = page.get_by_role("button", name="Search")
    assert button.bounding_box()["height"] >= 44
    button.click()
    page.wait_for_url("**/catalog/maple?q=SIERRA")
    results = page.locator("li.tool")
    assert results.count() == 1 and "Sierra de calar" in results.inner_text() and "In" in results.inner_text()
    results.get_by_role("link").click()
    page.wait_for_url("**/catalog/maple/tools/MT8")
    assert page.get_by_role("heading", level=1).inner_text() == "Sierra de calar"
    facts = page.locator("dl.facts").inner_text()
    assert "B2" in facts and "batería" in facts and "5 days" in facts
    assert fits_the_screen(page)
    page.get_by_role("link", name="Power tools > Saws").click()
    assert page.locator("li.tool").count() == 1
    page.get_by_role("link", name="Catalog", exact=True).first.click()
    page.get_by_role("link", name="Garden", exact=True).click()
    garden = page.locator("li.tool").all_inner_texts()
    assert [t.split("\n")[0] for t in garden] == ["Hedge trimmer", "Spade"]
    assert "On the hold shelf" in garden[0] and "Out, due back around" in garden[1]


def test_a_tool_out_with_a_waiting_list_and_a_partners_tool(shelves, web, phone):
    set_public(web, "maple", show_partners=True)
    page = phone()
    page.goto(web.url + "/catalog/maple/tools/MT1")
    state = page.locator("p.state").inner_text()
    assert "Out, due back around" in state
    assert "1 person waiting" in state
    page.goto(web.url + "/catalog/maple")
    page.get_by_label("Search the tools").fill("splitter")
    page.get_by_role("button", name="Search").click()
    partner = page.locator("section.partner")
    assert "At Oak Lane Tools" in partner.inner_text() and "ask at the counter" in partner.inner_text()
    partner.get_by_role("link", name="Oak log splitter").click()
    assert "a partner library: ask at the counter to borrow it" in page.get_by_role("note").inner_text()


def test_the_page_speaks_the_browsers_language_and_the_switch_changes_it(shelves, web, phone):
    page = phone(locale="es-ES")
    page.goto(web.url + "/catalog/maple/tools/MT8")
    assert page.locator("html").get_attribute("lang") == "es"
    assert "Disponible" in page.locator("p.state").inner_text()
    assert page.get_by_role("link", name="Acceso de socios").get_attribute("href") == "/member/signin?library=maple"
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/catalog/maple/tools/MT8")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "In" in page.locator("p.state").inner_text() and "Loan period" in page.locator("dl.facts").inner_text()
    page.goto(web.url + "/catalog/maple?q=sierra")
    assert page.get_by_role("link", name="Member sign-in").is_visible()   # the choice sticks across pages
    page.get_by_role("link", name="Español").click()
    assert page.get_by_label("Busca herramientas").input_value() == "sierra"


def test_a_switched_off_catalog_says_so(shelves, web, phone):
    set_public(web, "maple", enabled=False)
    page = phone()
    response = page.goto(web.url + "/catalog/maple")
    assert response.status == 404
    assert "not public" in page.get_by_role("alert").inner_text()
    page.goto(web.url + "/")
    assert page.get_by_role("link", name="Maple Street Tool Library").count() == 0
    assert page.get_by_role("link", name="Oak Lane Tools").is_visible()


def test_the_browser_revalidates_a_page_it_has_and_gets_a_304(shelves, web, phone, monkeypatch):
    answered = []

    def recording(request, tag, lang):
        response = not_modified(request, tag, lang)
        answered.append((request.headers.get("if-none-match"), response.status_code if response else 200))
        return response

    monkeypatch.setattr(routes, "not_modified", recording)   # the server runs in this process
    page = phone()
    first = page.goto(web.url + "/catalog/maple/tools/MT8")
    tag = first.header_value("etag")
    assert first.status == 200 and tag
    for _ in range(3):   # Chromium stores a page in its cache a moment after showing it: ask again until it has
        page.reload()
        if (tag, 304) in answered:
            break
    assert (tag, 304) in answered, answered                                  # asked with the page's validator...
    assert all(status == 304 for sent, status in answered if sent == tag)    # ...and never sent the page again
    assert page.get_by_role("heading", level=1).inner_text() == "Sierra de calar"   # shown from the cache
