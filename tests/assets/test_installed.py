"""A regular, non-editable install in a fresh virtual environment: the kiosk starts, sounds, and speaks Spanish.

The wheel built from the working tree goes into a new venv, away from any
checkout; the kiosk's dependencies come from the environment running the
tests (through a .pth file, as --system-site-packages would give them if they
were system packages), so nothing is downloaded. Everything then runs with
the venv's python in isolated mode (-I) from a folder of its own, so only the
installed package can be imported.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.po import read_po
from tests.worktree import REPO

PROBE = Path(__file__).with_name("installed_kiosk.py")
SPANISH = read_po(REPO / "assets/locale/es/LC_MESSAGES/kiosk.po")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    venv = tmp_path_factory.mktemp("venv") / "kiosk"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                           "--quiet", str(wheel)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    (purelib / "test-dependencies.pth").write_text("".join(f"{path}\n" for path in site.getsitepackages()))
    return venv


def _run(venv: Path, cwd: Path, *command: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "KIVY_"))}
    env.update(KIVY_NO_ARGS="1", KIVY_HOME=str(cwd / "kivy"), SDL_AUDIODRIVER="dummy",  # a machine with no sound card
               TOOLKIOSK_LOG_LEVEL="warning")
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_installed_kiosk_starts_plays_its_sounds_and_speaks_spanish(venv, tmp_path):
    if not os.environ.get("DISPLAY"):
        pytest.skip("the kiosk needs a screen: run the tests under xvfb-run")
    site_packages = next((venv / "lib").glob("python3*/site-packages"))
    seeded = _run(venv, tmp_path, str(venv / "bin" / "toolkiosk"), "demo", "--no-ui", "--home", str(tmp_path / "library"))
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    assert "205 tools, 50 members" in seeded.stdout

    probe = shutil.copy(PROBE, tmp_path)
    done = _run(venv, tmp_path, str(venv / "bin" / "python"), "-I", probe, str(tmp_path / "library"))
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert done.returncode == 0 and lines, done.stderr[-4000:]
    report = json.loads(lines[-1])

    installed = site_packages / "kiosk"
    assert Path(report["kiosk"]).parent == installed and Path(report["assets"]) == installed / "assets"
    assert report["spanish_catalog"] == ["kiosk.mo", "web.mo"]
    assert SPANISH["Borrowing? Scan your card."] in report["home"]
    assert "Borrowing? Scan your card." not in report["home"]
    assert report["refusal"] == SPANISH["We don't know this code. Please give the item to a volunteer."]
    sounds = {Path(name): sound for name, sound in report["sounds"].items()}
    assert set(sounds) == {installed / f"assets/sounds/{result}.wav" for result in ("accepted", "refused", "returned", "help")}
    assert all(sound["length"] > 0 for sound in sounds.values())
    assert sounds[installed / "assets/sounds/refused.wav"]["played"]
    assert Path(report["icon"]) == installed / "assets/icons/toolkiosk.png"
