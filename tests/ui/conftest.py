"""The real kiosk app under a virtual screen, one window for the whole session.

Kivy opens one window per process, so one app runs for all UI tests; each test
points it at its own copy of a seeded demo library (``kiosk`` fixture) and
drives it with injected scans and touches.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ["KIVY_HOME"] = tempfile.mkdtemp(prefix="kivy-home-")  # no cached config.ini overrides the kiosk's
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")  # the sounds load and play with no sound card

if not os.environ.get("DISPLAY"):
    pytest.skip("the kiosk UI tests need a screen: run them under xvfb-run", allow_module_level=True)


@pytest.fixture(scope="session")
def seeded(tmp_path_factory):
    """A demo library seeded once, and the codes that show each situation."""
    from kiosk.ui.screenshots import seed

    home = tmp_path_factory.mktemp("seed") / "library"
    return home, seed(home)


@pytest.fixture(scope="session")
def camera_image(tmp_path_factory) -> Path:
    """A photo file the file-backed camera plays: a tool label on a counter."""
    import cv2

    from kiosk.ui.screenshots import demo_camera

    path = tmp_path_factory.mktemp("camera") / "frame.png"
    cv2.imwrite(str(path), demo_camera().frame()[1])
    return path


@pytest.fixture(scope="session")
def photo_file(tmp_path_factory) -> Path:
    """A camera picture with no barcode in it, for taking a tool's photo."""
    import cv2
    import numpy as np

    from kiosk.scan.sources.synthetic import background

    path = tmp_path_factory.mktemp("photo") / "bench.png"
    cv2.imwrite(str(path), background(np.random.default_rng(11)))
    return path


class StillClock:
    """The app's idle clock in tests: it stands still, so a slow machine never idles a screen
    away mid-test; a test that wants idle time sets the last activity back instead."""

    def __call__(self) -> float:
        return 1000.0


@pytest.fixture(scope="session")
def driver(seeded, camera_image, tmp_path_factory):
    from kiosk.ui.driver import Driver
    from kiosk.ui.scanning import StillCamera

    home = tmp_path_factory.mktemp("first") / "library"
    shutil.copytree(seeded[0], home)
    driver = Driver.start(home, camera=StillCamera.from_path(camera_image))
    driver.app.clock = StillClock()
    return driver


@pytest.fixture
def kiosk(driver, seeded, camera_image, tmp_path):
    """The app at home on a fresh copy of the demo library, in English, nobody signed in."""
    from kiosk.ui.scanning import StillCamera

    home = tmp_path / "library"
    shutil.copytree(seeded[0], home)
    driver.use_home(home)
    driver.app.scans.use_camera(StillCamera.from_path(camera_image))
    driver.app.toast.hide()
    driver.pump(2)
    yield driver
    driver.app.close_dialogs()
    driver.app.go_home(force=True)
    driver.pump()


@pytest.fixture
def codes(seeded):
    return seeded[1]


@pytest.fixture
def ledger(kiosk):
    """The ledger the app is writing to."""
    return kiosk.app.service.ledger
