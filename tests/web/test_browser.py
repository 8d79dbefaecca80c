"""A coordinator in a real browser (Debian's Chromium, headless, driven by Playwright)."""

from __future__ import annotations

import shutil

import pytest

from tests.web.conftest import MAPLE_COORDINATOR, sync
from tests.web.helpers import PASSWORD

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.skip("Chromium is not installed (scripts/install-system-packages.sh test)")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, web):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def log_in(page, web) -> None:
    page.goto(web.base + "/overdue")
    assert "/web/login" in page.url
    page.get_by_label("Email address").fill(MAPLE_COORDINATOR)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/web/overdue")


def test_find_an_overdue_tool_and_download_the_csv(maple, web, page):
    log_in(page, web)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Overdue")
    page.get_by_label("Find a tool or member").fill("drill")
    page.get_by_role("button", name="Show").click()
    row = page.locator("tbody tr")
    assert row.count() == 1
    assert "Cordless drill" in row.inner_text() and "13 days" in row.inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename.startswith("overdue-maple-")
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert "MT1,Cordless drill,M1,Ana Lopez" in text and "Spade" not in text


def test_settle_a_conflict_and_see_it_reach_a_kiosk(double_checkout, web, page):
    front, back = double_checkout
    log_in(page, web)
    page.get_by_role("link", name="Conflicts").click()
    conflict = page.locator("article.conflict")
    assert "Angle grinder" in conflict.inner_text()
    conflict.get_by_label("Second loan stands").check()
    conflict.get_by_label("Note for the other coordinators").fill("Ana had taken the other grinder")
    conflict.get_by_role("button", name="Mark settled").click()
    assert "Settled. The kiosks will show it after their next sync." in page.get_by_role("status").inner_text()
    assert page.locator("article.conflict").count() == 0
    sync(back)
    [settled] = back.conflicts(include_resolved=True)
    assert (settled["status"], settled["resolution"]) == ("resolved", "Second loan stands")
    assert back.conflicts() == []


def test_usable_on_a_phone(maple, web, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        log_in(page, web)
        for path in ("/overdue", "/loans", "/tools", "/members", "/stats", "/reminders"):
            page.goto(web.base + path)
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= 390, (path, wide)                       # nothing to scroll sideways
        page.goto(web.base + "/overdue")
        assert page.locator("thead").first.bounding_box()["height"] <= 1    # the table is shown as cards
        assert page.get_by_role("button", name="Show").bounding_box()["height"] >= 44   # big enough to tap
    finally:
        context.close()


def test_an_expired_session_goes_back_to_the_login(maple, web, page, clock):
    log_in(page, web)
    clock.advance(web.state.config.idle_timeout + 1)
    page.get_by_role("link", name="Tools").click()
    page.wait_for_url("**/web/login?next=%2Fweb%2Ftools")
    page.get_by_label("Email address").fill(MAPLE_COORDINATOR)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/web/tools")
