"""overlay.sh refuses the read-only root without a data partition; update.sh pulls and reinstalls."""

import os
import subprocess

from tests.deploy.conftest import PI


def test_overlay_refuses_while_the_data_is_on_the_root(tmp_path):
    calls = tmp_path / "calls"
    stub = tmp_path / "bin" / "raspi-config"
    stub.parent.mkdir()
    stub.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n')
    stub.chmod(0o755)
    env = {**os.environ, "PATH": f"{stub.parent}:{os.environ['PATH']}"}
    done = subprocess.run([str(PI / "overlay.sh"), "enable"], env=env, capture_output=True, text=True)
    if os.geteuid() != 0:
        assert done.returncode == 1 and "run as root" in done.stderr
        return
    assert done.returncode == 1
    assert "/var/lib/toolkiosk is not its own partition" in done.stderr
    assert not calls.exists(), "raspi-config must not be called"


def test_overlay_status_and_usage():
    status = subprocess.run([str(PI / "overlay.sh"), "status"], capture_output=True, text=True, check=True)
    assert "read-only root now: off" in status.stdout
    usage = subprocess.run([str(PI / "overlay.sh")], capture_output=True, text=True)
    assert usage.returncode == 2 and "Usage:" in usage.stderr


def git(*args, cwd):
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


def test_update_reinstalls_only_when_the_checkout_moved(tmp_path):
    """A real clone of a real origin; install.sh is replaced by one that records it ran."""
    origin = tmp_path / "origin"
    (origin / "deploy/raspberrypi").mkdir(parents=True)
    (origin / "deploy/raspberrypi/update.sh").write_bytes((PI / "update.sh").read_bytes())
    (origin / "deploy/raspberrypi/update.sh").chmod(0o755)
    (origin / "deploy/raspberrypi/install.sh").write_text('#!/bin/sh\necho installed >> "$(dirname "$0")/../../ran"\n')
    (origin / "deploy/raspberrypi/install.sh").chmod(0o755)
    (origin / ".gitignore").write_text("ran\n")
    git("init", "-q", "-b", "main", cwd=origin)
    git("add", ".", cwd=origin)
    git("commit", "-q", "-m", "first", cwd=origin)
    git("clone", "-q", str(origin), str(tmp_path / "src"), cwd=tmp_path)
    src = tmp_path / "src"
    update = src / "deploy/raspberrypi/update.sh"

    first = subprocess.run([str(update)], capture_output=True, text=True, check=True)
    assert "up to date" in first.stdout and not (src / "ran").exists()

    (origin / "NEWS").write_text("a fix\n")
    git("add", "NEWS", cwd=origin)
    git("commit", "-q", "-m", "second", cwd=origin)
    second = subprocess.run([str(update)], capture_output=True, text=True, check=True)
    assert "updating" in second.stdout
    assert (src / "ran").read_text() == "installed\n"
    assert (src / "NEWS").exists()
