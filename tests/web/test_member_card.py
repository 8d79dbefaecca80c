"""A member's card on a phone's screen reads at the kiosk: the card component rendered in Chromium at a
phone's size, photographed by the kiosk's synthetic camera (distance, tilt, blur, noise, uneven light) with
glare on the glass, and decoded by the kiosk's own decoder, as its camera worker does with every frame."""

from __future__ import annotations

import zlib

import cv2
import numpy as np
import pytest
from starlette.requests import Request

from kiosk.ledger.codes import mint_code
from kiosk.scan.decoder import Decoder
from kiosk.scan.sources.synthetic import CameraConditions, camera_view
from sync.server.web.public.render import frame
from sync.server.web.render import templates
from tests.web.test_browser import browser  # noqa: F401

CARD_PAGE = """{% extends "public/base.html" %}
{% from "public/_card.html" import membership_card with context %}
{% block title %}{{ _("Membership card") }}{% endblock %}
{% block main %}{{ membership_card(code, name) }}{% endblock %}"""
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 3}
FRAMES = 6           # frames per condition: the camera gives about thirty a second
MUST_READ = 4        # of which at least this many must read
SCREENS: dict[str, tuple] = {}   # one screenshot per code, for every camera condition


def card_html(web, code: str, name: str, lang: str = "en") -> str:
    """The card component inside the public frame, exactly as a page of the server renders it."""
    scope = {"type": "http", "method": "GET", "path": "/card-preview", "root_path": "", "query_string": b"",
             "headers": [(b"host", b"127.0.0.1")], "scheme": "http", "server": ("127.0.0.1", 80)}
    context = frame(Request(scope), web.state, lang, "maple")
    return templates.env.from_string(CARD_PAGE).render(**context, code=code, name=name)


def screenshot(browser, web, code: str, name: str) -> tuple[np.ndarray, tuple[int, int, int, int], float]:  # noqa: F811
    """The phone's screen as grayscale, where the card's bars are on it, and one bar module's width in pixels."""
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        address = web.url + "/card-preview"   # answered in the browser, so the stylesheet comes from the server
        page.route(address, lambda route: route.fulfill(body=card_html(web, code, name), content_type="text/html"))
        page.goto(address)
        box = page.locator("figure.card svg").bounding_box()
        modules = int(page.locator("figure.card svg").get_attribute("viewBox").split()[2])
        png = page.screenshot()
    finally:
        context.close()
    gray = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    scale = PHONE["device_scale_factor"]
    bars = tuple(int(round(v * scale)) for v in (box["x"], box["y"], box["x"] + box["width"], box["y"] + box["height"]))
    return gray, bars, box["width"] * scale / modules


def glare(screen: np.ndarray, bars: tuple[int, int, int, int], rng: np.random.Generator) -> np.ndarray:
    """A ceiling light reflected on the glass: a bright spot washing out part of the bars."""
    left, top, right, bottom = bars
    h, w = screen.shape
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    cx = rng.uniform(left + 0.2 * (right - left), right - 0.2 * (right - left))
    cy = rng.uniform(top, top + 0.4 * (bottom - top))
    radius = 0.18 * (right - left)
    spot = np.exp(-(((x - cx) ** 2 + (y - cy) ** 2) / (2 * radius ** 2)))
    lit = screen.astype(np.float32) + (255 - screen.astype(np.float32)) * 0.9 * spot
    return np.clip(lit, 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def decoder() -> Decoder:
    return Decoder()   # the camera worker's own: frames, not still images


@pytest.mark.parametrize("code", [mint_code("maple", "member", "K3QD7", 42), "C-0042"])
@pytest.mark.parametrize("share,tilt,lit", [
    (0.6, 0.0, False),     # held about 10 cm off, square to the camera
    (0.75, 25.0, False),   # leaning back up to 25 degrees either way, turned up to 20
    (0.9, 25.0, True),     # close, tilted, with a reflection on the glass
    (0.6, 15.0, True),
])
def test_the_kiosk_camera_reads_the_card_on_a_phone(browser, web, decoder, code, share, tilt, lit):  # noqa: F811
    if code not in SCREENS:
        SCREENS[code] = screenshot(browser, web, code, "Ana Lopez")
    screen, bars, module_px = SCREENS[code]   # the SVG carries its own quiet zones: the bars' box is enough
    conditions = CameraConditions(width_share=(share * 0.9, share), tilt_deg=tilt)
    rng = np.random.default_rng(zlib.crc32(repr((code, share, tilt, lit)).encode()))   # the same frames every run
    reads, wrong = 0, []
    for _ in range(FRAMES):
        shown = glare(screen, bars, rng) if lit else screen
        seen = camera_view(shown, rng, conditions, module_px=module_px, keep_in_view=bars)
        codes = [c.text for c in decoder.decode(seen)]
        reads += code in codes
        wrong += [c for c in codes if c != code]
    assert wrong == []
    assert reads >= MUST_READ, f"read {reads} of {FRAMES} frames"
