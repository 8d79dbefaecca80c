"""The Pi's architecture: install.sh run in a Debian Bookworm arm64 root under qemu-user-static,
then the installed kiosk's version, a decode of the shared barcode photos and the ledger and scan
tests, all as aarch64 code.

Emulation makes this take many minutes, so it runs only when asked: `make test-arm64`
(TOOLKIOSK_ARM64=1). Its timings say nothing about a Pi's speed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.deploy.conftest import REPO, in_chroot, make_pi_root, need_chroot

PHOTOS = REPO.parent / "shared" / "data" / "barcode-photos"
BINFMT = Path("/proc/sys/fs/binfmt_misc/qemu-aarch64")
VENV = "/opt/toolkiosk/venv/bin"

pytestmark = pytest.mark.skipif(os.environ.get("TOOLKIOSK_ARM64") != "1",
                                reason="the arm64 proof runs for many minutes under emulation: make test-arm64")


def need_emulation() -> None:
    need_chroot()
    if not BINFMT.exists() or "enabled" not in BINFMT.read_text():
        pytest.skip("qemu-user-static is not registered for aarch64 (make test-arm64 installs and registers it)")


@pytest.fixture(scope="module")
def arm_root(tmp_path_factory) -> Path:
    need_emulation()
    root = make_pi_root(tmp_path_factory.mktemp("pi-arm64"), "arm64")
    # where tests/scan look for them: the folder beside the sources
    shutil.copytree(PHOTOS, root / "opt" / "toolkiosk" / "shared" / "data" / "barcode-photos")
    in_chroot(root, "/opt/toolkiosk/src/deploy/raspberrypi/install.sh")
    yield root
    assert str(root) not in Path("/proc/mounts").read_text(), "a mount was left inside the test root"
    shutil.rmtree(root)


def test_the_root_runs_aarch64_code(arm_root):
    assert in_chroot(arm_root, "uname", "-m").stdout.strip() == "aarch64"
    assert in_chroot(arm_root, f"{VENV}/python", "-c", "import platform; print(platform.machine())").stdout.strip() == "aarch64"


def test_the_installed_kiosk_starts_and_imports_what_the_pi_needs(arm_root):
    assert in_chroot(arm_root, f"{VENV}/toolkiosk", "--version").stdout.startswith("toolkiosk ")
    libraries = in_chroot(arm_root, f"{VENV}/python", "-c",
                          "import kivy, cv2, zxingcpp, pyzbar.pyzbar; print(kivy.__version__, cv2.__version__)")
    assert libraries.stdout.split()[0] == "2.3.1"


@pytest.mark.skipif(not PHOTOS.is_dir(), reason="the shared barcode photos are not here")
def test_decode_reads_the_photos_as_on_this_machine(arm_root):
    """The same photos read by the same software on arm64 and here give the same codes."""
    command = ["decode", "--format", "json"]
    there = in_chroot(arm_root, f"{VENV}/toolkiosk", *command, "/opt/toolkiosk/shared/data/barcode-photos", check=False)
    here = subprocess.run([str(REPO / ".venv" / "bin" / "toolkiosk"), *command, str(PHOTOS)],
                          capture_output=True, text=True)

    def codes(output: str) -> dict[str, list[str]]:
        lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
        return {line["file"].split("barcode-photos/")[1]: sorted(c["text"] for c in line["codes"]) for line in lines}

    read = codes(there.stdout)
    assert read and sum(bool(v) for v in read.values()) > len(read) // 2, there.stderr[-2000:]
    assert read == codes(here.stdout)


def test_ledger_and_scan_tests_pass_on_arm64(arm_root):
    """The tests run against the installed wheel, as the Pi has it: from a folder holding only the
    tests (and pytest's settings), so the source tree cannot stand in for the installed package."""
    check = arm_root / "opt" / "toolkiosk" / "check"
    shutil.copytree(REPO / "tests", check / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(REPO / "pyproject.toml", check / "pyproject.toml")
    in_chroot(arm_root, f"{VENV}/pip", "install", "-q", "pytest", "hypothesis")
    done = in_chroot(arm_root, "sh", "-c", f"cd /opt/toolkiosk/check && {VENV}/python -m pytest -q -p no:cacheprovider "
                                           "tests/ledger tests/scan", check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
