"""A member in a real browser at a phone's size (Debian's Chromium, headless, driven by Playwright):
sign in by the link caught from a real SMTP server, renew, cancel a hold, show the card to the kiosk's
decoder, and sign up in Spanish to be activated at the kiosk after its sync."""

from __future__ import annotations

import re
import shutil

import cv2
import numpy as np
import pytest

from kiosk.codeformat import CHECK_ALPHABET
from kiosk.scan.decoder import Decoder
from sync.server.web.members import words
from tests.web.conftest import days, sync
from tests.web.member_helpers import inbox, link_and_code, smtp_options  # noqa: F401 (fixtures)

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def web_options(inbox) -> dict:
    return smtp_options(inbox)


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.skip("Chromium is not installed (scripts/install-system-packages.sh test)")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser, web):
    context = browser.new_context(**PHONE)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    problems: list[str] = []
    # console errors other than a page answered with an error status (a refused form is one): CSP violations
    tab.on("console", lambda m: problems.append(m.text)
           if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    tab.on("response", lambda r: problems.append(f"{r.status} {r.url}")
           if r.status >= 400 and r.request.resource_type != "document" and not r.url.endswith("/favicon.ico")
           else None)
    tab.problems = problems
    yield tab
    context.close()


def _status(page, words: str) -> str:
    """The status line of the page a click leads to, once it says ``words`` (never the last page's)."""
    return page.get_by_role("status").filter(has_text=words).inner_text()


def sign_in(page, web, inbox, address: str) -> None:
    page.goto(web.url + "/member/signin?library=maple")
    page.get_by_label("Your e-mail address").fill(address)
    page.get_by_role("button", name="Send me a sign-in link").click()
    assert "sign-in link and code are on their way" in _status(page, "sign-in link")
    link, _code = link_and_code(inbox.wait_for(address)[-1])
    page.goto(link)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/member/")


def test_sign_in_by_link_renew_and_cancel_a_hold(maple, web, phone, inbox):
    maple.place_hold("M1", "MT2")
    sync(maple)
    sign_in(phone, web, inbox, "ana.lopez@example.org")
    assert phone.get_by_role("heading", level=1).inner_text() == "Hello, Ana Lopez"
    ladder = phone.locator("li.card-item", has_text="Step ladder")
    assert words.long_date(days(1), "en") in ladder.inner_text()
    ladder.get_by_role("button", name="Renew").click()
    assert "Renewed: now due" in _status(phone, "Renewed")
    hold = phone.locator("li.card-item", has_text="Spade")
    assert "Number 1 in line" in hold.inner_text()
    hold.get_by_role("button", name="Cancel").click()
    assert _status(phone, "cancelled") == "Hold cancelled."
    assert phone.get_by_text("You are not waiting for any tool.").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling on a phone"
    sync(maple)
    assert maple.loans(tool_code="MT3")[0]["renewals"] == 1
    assert maple.holds(member_code="M1", current_only=True) == []
    assert phone.problems == []


def _glare(gray: np.ndarray) -> np.ndarray:
    h, w = gray.shape
    yy, xx = np.mgrid[0:h, 0:w]
    spot = 120 * np.exp(-(((xx - w * 0.35) / (w * 0.25)) ** 2 + ((yy - h * 0.4) / (h * 0.3)) ** 2))
    return np.clip(gray.astype(float) + spot, 0, 255).astype(np.uint8)


def _tilted(gray: np.ndarray) -> np.ndarray:
    h, w = gray.shape
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[w * 0.08, h * 0.05], [w * 0.95, 0], [w * 0.88, h], [0, h * 0.93]])
    return cv2.warpPerspective(gray, cv2.getPerspectiveTransform(src, dst), (w, h), borderValue=200)


def test_the_card_on_a_phone_reads_through_the_kiosks_decoder(maple, web, phone, inbox):
    code = maple.add_member(None, "Dee Card", email="dee@example.org", expires=days(300).isoformat())["code"]
    maple.accept_waiver(code)
    sync(maple)
    sign_in(phone, web, inbox, "dee@example.org")
    phone.get_by_role("link", name="Membership card").click()
    card = phone.locator("figure.member-card")
    image = card.get_by_role("img", name=f"Card barcode {code}")
    playwright_api.expect(image).to_be_visible()
    phone.wait_for_function("document.images[0].complete && document.images[0].naturalWidth > 0")
    shot = cv2.imdecode(np.frombuffer(card.screenshot(path="/tmp/member-card.png"), np.uint8), cv2.IMREAD_GRAYSCALE)
    decoder = Decoder()
    for name, image in (("as shown", shot), ("a camera farther off", cv2.resize(shot, None, fx=0.6, fy=0.6,
                                                                                 interpolation=cv2.INTER_AREA)),
                        ("glare", _glare(shot)), ("tilted screen", _tilted(shot))):
        assert [c.text for c in decoder.decode(image)] == [code], name


def test_sign_up_in_spanish_and_be_activated_at_the_kiosk(maple, web, phone, clock):
    phone.goto(web.url + "/member/signin?library=maple")
    phone.get_by_role("link", name="Become a member").click()
    phone.get_by_role("link", name="Español").click()
    assert phone.get_by_role("heading", level=1).inner_text() == "Hágase socio"
    assert "bajo mi propia responsabilidad" in phone.locator("blockquote.waiver").inner_text()
    phone.get_by_label("Nombre completo").fill("Wen Web")
    phone.get_by_label("Su correo electrónico").fill("not an address")
    clock.advance(30)
    phone.get_by_role("button", name="Inscribirme").click()
    assert "Escriba un correo como" in phone.locator("#email-error").inner_text()
    phone.get_by_label("Su correo electrónico").fill("wen@example.org")
    phone.get_by_label("Idioma", exact=True).select_option("es")
    phone.get_by_label("Acepto la exención de arriba").check()
    clock.advance(30)
    phone.get_by_role("button", name="Inscribirme").click()
    message = _status(phone, "MAPLE-")
    # the check symbol may be one of Crockford's non-alphanumeric ones: *, ~, $ or =
    code = re.search(rf"\bMAPLE-M[0-9A-Z]+-[0-9A-Z]+-[{re.escape(CHECK_ALPHABET)}]", message).group(0)
    sync(maple)
    [pending] = maple.pending_members()
    assert (pending["code"], pending["waiver_language"]) == (code, "es")
    maple.activate_member(code)
    assert maple.checkout(code, ["MT7"])
    assert phone.problems == []
