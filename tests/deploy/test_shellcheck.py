"""Every shell script of the deployment passes shellcheck."""

import shutil
import subprocess

import pytest

from tests.deploy.conftest import IN_CHROOT, REPO

SCRIPTS = sorted((REPO / "deploy").rglob("*.sh")) + [IN_CHROOT]


def test_the_scripts_are_found():
    names = {p.name for p in SCRIPTS}
    assert {"install.sh", "overlay.sh", "update.sh", "in_chroot.sh"} <= names


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(REPO)))
def test_shellcheck_clean(script):
    if shutil.which("shellcheck") is None:
        pytest.fail("shellcheck is missing: scripts/install-system-packages.sh test installs it")
    done = subprocess.run(["shellcheck", "--external-sources", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
    assert script.stat().st_mode & 0o111, f"{script.name} must be executable"
