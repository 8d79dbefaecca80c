"""Renders every coordinators' page and the public pages to PNG, on a phone and on a desktop, for review.

    python -m sync.server.web.screenshots --out screenshots/web

Seeds a demo server (``sync.server.web.demo``), serves it with uvicorn on a
free loopback port, logs in with Debian's Chromium (headless, driven by
Playwright) and saves each page as ``NN-name-phone.png`` and ``-desktop.png``.
Mail goes to a throwaway SMTP server on loopback; nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Iterator

import uvicorn

from sync.server import create_app
from sync.server.web import SmtpSettings, WebConfig, demo, mount_web
from sync.server.web.adapter import StorageSource

SIZES = {"phone": (390, 844), "desktop": (1280, 900)}
MAX_HEIGHT = 4000   # long lists are cut here: the top of a page shows how it looks
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pages(state) -> Iterator[tuple[str, str]]:
    """(name, path) of every page, with the demo's most telling loan, tool and filters."""
    view = state.views.get(demo.SLUG)
    loan = view.query("SELECT id FROM loans WHERE closed_by IS NULL ORDER BY due LIMIT 1")[0]["id"]
    tool = view.query("SELECT code FROM tools WHERE photo IS NOT NULL AND status = 'on_loan' ORDER BY code LIMIT 1")
    tool = tool[0]["code"] if tool else view.query("SELECT code FROM tools ORDER BY code LIMIT 1")[0]["code"]
    year_ago = (state.config.today() - timedelta(days=365)).isoformat()   # the demo's 90 days of lending and more
    yield from [
        ("overdue", "/overdue"), ("overdue-filtered", "/overdue?min_days=7&sort=member"), ("loans", "/loans"),
        ("loan", f"/loans/{loan}"), ("holds", "/holds"), ("conflicts", "/conflicts"), ("tools", "/tools"), ("tool", f"/tools/{tool}"),
        ("repairs", "/repairs?status=all"), ("report", f"/report?from={year_ago}"),
        ("report-es", f"/report?from={year_ago}&lang=es"),
        ("members", "/members"), ("partners", "/partners"), ("kiosks", "/kiosks"), ("stats", "/stats"),
        ("reminders", "/reminders"), ("public-catalog-settings", "/public-catalog"), ("not-found", "/tools/NO-SUCH-TOOL"),
    ]


def public_pages(state) -> Iterator[tuple[str, str, str]]:
    """(name, path, language) of the pages borrowers read without a login."""
    view = state.views.get(demo.SLUG)
    out = view.query("SELECT code, name FROM tools WHERE status = 'on_loan' ORDER BY photo IS NULL, code LIMIT 1")[0]
    kit = view.query("SELECT code FROM tools WHERE kit IS NOT NULL AND status = 'available' ORDER BY code LIMIT 1")
    word = out["name"].split()[0]
    yield from [
        ("public-front", "/", "en"), ("public-catalog", f"/catalog/{demo.SLUG}", "en"),
        ("public-search", f"/catalog/{demo.SLUG}?q={word}", "en"),
        ("public-search-es", f"/catalog/{demo.SLUG}?q={word}", "es"),
        ("public-tool-out", f"/catalog/{demo.SLUG}/tools/{out['code']}", "en"),
        ("public-tool-kit-es", f"/catalog/{demo.SLUG}/tools/{(kit[0] if kit else out)['code']}", "es"),
        ("public-not-found", f"/catalog/{demo.SLUG}/tools/NO-SUCH-TOOL", "es"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("screenshots/web"))
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="toolkiosk-web-") as folder, _mail_sink() as smtp_port:
        storage = demo.seed_server(Path(folder))
        app = create_app(storage)
        state = mount_web(app, StorageSource(storage), WebConfig(
            data_dir=Path(folder) / "web", smtp=SmtpSettings("127.0.0.1", smtp_port, "tools@example.org", starttls=False)))
        demo.seed_web(state)
        with _serving(app) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            written = 0
            for size_name, (width, height) in SIZES.items():
                context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1,
                                              is_mobile=size_name == "phone")
                page = context.new_page()
                for n, (name, path, language) in enumerate(public_pages(state), start=50):
                    page.set_extra_http_headers({"Accept-Language": language})
                    page.goto(base + path)
                    _shoot(page, args.out / f"{n:02d}-{name}-{size_name}.png", width)
                    written += 1
                page.set_extra_http_headers({"Accept-Language": "en"})
                page.goto(base + "/web/login")
                _shoot(page, args.out / f"00-login-{size_name}.png", width)
                page.get_by_label("Email address").fill(demo.COORDINATOR)
                page.get_by_label("Password").fill(demo.PASSWORD)
                page.get_by_role("button", name="Log in").click()
                page.wait_for_url("**/web/overdue")
                for n, (name, path) in enumerate(pages(state), start=1):
                    page.goto(base + "/web" + path)
                    _shoot(page, args.out / f"{n:02d}-{name}-{size_name}.png", width)
                    written += 1
                context.close()
            browser.close()
        state.close()
        storage.close()
    print(f"wrote {written + len(SIZES)} pages to {args.out}")
    return 0


def _shoot(page, path: Path, width: int) -> None:
    height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
    page.screenshot(path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height})


class _serving:
    """The app on uvicorn in a thread, on a free loopback port; yields its base URL."""

    def __init__(self, app) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error",
                                                     lifespan="off"))
        self._thread = threading.Thread(target=lambda: asyncio.run(self._server.serve()), daemon=True)

    def __enter__(self) -> str:
        self._thread.start()
        while not self._server.started:
            time.sleep(0.02)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


class _mail_sink:
    """A loopback SMTP server that accepts and drops every message; yields its port."""

    def __enter__(self) -> int:
        from aiosmtpd.controller import Controller

        class Sink:
            async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
                return "250 OK"

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self._controller = Controller(Sink(), hostname="127.0.0.1", port=port)
        self._controller.start()
        return port

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


if __name__ == "__main__":
    sys.exit(main())
