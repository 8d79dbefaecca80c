"""A real Debian Bookworm root to run the installer in, built with debootstrap.

Building the root takes about 50 s here, so it is made once a day and cached
outside the repository (TOOLKIOSK_TEST_CACHE, default /var/cache/toolkiosk-tests);
each test session installs into a fresh copy of it (about 35 s, with apt's
downloads cached there too). Without root, debootstrap or unshare those
tests are skipped.
"""

from __future__ import annotations

import datetime
import fcntl
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.worktree import REPO, copy_working_tree

PI = REPO / "deploy" / "raspberrypi"
SERVER = REPO / "deploy" / "server"
IN_CHROOT = Path(__file__).with_name("in_chroot.sh")
CACHE = Path(os.environ.get("TOOLKIOSK_TEST_CACHE", "/var/cache/toolkiosk-tests"))
# What Raspberry Pi OS Lite has and Debian's minimal base lacks.
PI_OS_BASE = "systemd,systemd-sysv"
# Raspberry Pi OS's kernel command line, as the installer finds it.
PI_CMDLINE = "console=serial0,115200 console=tty1 root=PARTUUID=4e639091-02 rootfstype=ext4 fsck.repair=yes rootwait\n"


def apt_mirror() -> str:
    """The Debian archive this machine's own apt uses (TOOLKIOSK_TEST_MIRROR overrides it): the roots
    are built from the same place the machine's packages come from."""
    if os.environ.get("TOOLKIOSK_TEST_MIRROR"):
        return os.environ["TOOLKIOSK_TEST_MIRROR"]
    sources = Path("/etc/apt")
    for path in [sources / "sources.list", *sorted((sources / "sources.list.d").glob("*.sources"))]:
        text = path.read_text() if path.exists() else ""
        for line in text.splitlines():
            words = line.split()
            if line.startswith("deb ") and len(words) > 2 and words[2].startswith("bookworm") and words[1].endswith("/debian"):
                return words[1]
            if line.startswith("URIs:"):
                uri = next((u for u in words[1:] if u.rstrip("/").endswith("/debian")), None)
                if uri:
                    return uri
    pytest.skip("no Debian archive in /etc/apt to build a root from (set TOOLKIOSK_TEST_MIRROR)")


def need_chroot() -> None:
    if os.geteuid() != 0:
        pytest.skip("a debootstrap root and chroot need root")
    for tool in ("debootstrap", "unshare", "chroot"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (scripts/install-system-packages.sh test installs it)")
    if subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode != 0:
        pytest.skip("cannot make a mount namespace here (a container without CAP_SYS_ADMIN?)")


def bookworm_base(arch: str = "") -> Path:
    """Today's cached minimal Bookworm root for ``arch`` (this machine's when empty), made with
    debootstrap when missing. A foreign architecture runs under qemu-user-static through binfmt_misc."""
    CACHE.mkdir(parents=True, exist_ok=True)
    name = f"bookworm-{arch}" if arch else "bookworm"
    base = CACHE / f"{name}-{datetime.date.today():%Y%m%d}"
    with open(CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (base / ".complete").exists():
            return base
        for old in CACHE.glob(f"{name}-2*"):
            shutil.rmtree(old)
        partial = CACHE / f"{name}-partial"
        shutil.rmtree(partial, ignore_errors=True)
        done = subprocess.run(
            ["debootstrap", *([f"--arch={arch}"] if arch else []), "--variant=minbase", f"--include={PI_OS_BASE}",
             "bookworm", str(partial), apt_mirror()],
            capture_output=True, text=True)
        if done.returncode != 0:
            pytest.fail(f"debootstrap failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        (partial / ".complete").touch()
        partial.rename(base)
    return base


def copy_sources(root: Path) -> Path:
    """Copies the working tree to /opt/toolkiosk/src."""
    return copy_working_tree(root / "opt" / "toolkiosk" / "src")


def in_chroot(root: Path, *command: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(["unshare", "--mount", "--propagation", "private", str(IN_CHROOT), str(root), str(CACHE),
                           *command], capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"})
    if check and done.returncode != 0:
        pytest.fail(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    return done


def make_pi_root(parent: Path, arch: str = "") -> Path:
    """A fresh copy of the Bookworm root, made to look like Raspberry Pi OS's boot partition."""
    root = parent / "root"
    subprocess.run(["cp", "-a", "--reflink=auto", str(bookworm_base(arch)), str(root)], check=True)
    copy_sources(root)
    (root / "boot" / "firmware").mkdir(parents=True)
    (root / "boot" / "firmware" / "cmdline.txt").write_text(PI_CMDLINE)
    # This machine's extra certificate authorities (a proxy's), for pip in the root.
    cas = root / "usr" / "local" / "share" / "ca-certificates"
    cas.mkdir(parents=True, exist_ok=True)
    for ca in Path("/usr/local/share/ca-certificates").glob("*.crt"):
        shutil.copy2(ca, cas)
    return root


@pytest.fixture(scope="session")
def pi_root(tmp_path_factory) -> Path:
    need_chroot()
    root = make_pi_root(tmp_path_factory.mktemp("pi"))
    yield root
    assert str(root) not in Path("/proc/mounts").read_text(), "a mount was left inside the test root"
    shutil.rmtree(root)


@pytest.fixture(scope="session")
def installed(pi_root) -> tuple[Path, subprocess.CompletedProcess]:
    """The installer run for real, as root, inside the Bookworm root."""
    return pi_root, in_chroot(pi_root, "/opt/toolkiosk/src/deploy/raspberrypi/install.sh")
