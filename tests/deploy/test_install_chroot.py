"""install.sh run for real, as root, in a Debian Bookworm root made with debootstrap.

Everything runs but what needs a Pi: python3-picamera2 is only in Raspberry
Pi OS's archive (the installer says so and goes on), and systemd is not
running in a chroot (units are enabled, nothing is started).
"""

import sqlite3
import subprocess

import pytest

from tests.deploy.conftest import PI, in_chroot

UNITS = ["toolkiosk.service", "toolkiosk-backup.service", "toolkiosk-backup.timer",
         "toolkiosk-update.service", "toolkiosk-update.timer"]


def test_installer_succeeds(installed):
    _, done = installed
    assert "kivy config ok: version 27, input {'touch': 'probesysfs,provider=mtdev'}" in done.stdout
    assert "python3-picamera2 is not in this system's archives" in done.stderr
    assert done.stdout.rstrip().endswith("==> done. Reboot to start the kiosk (sudo reboot).")


def test_service_user_and_groups(installed):
    root, _ = installed
    passwd = {line.split(":")[0]: line.split(":") for line in (root / "etc/passwd").read_text().splitlines()}
    user = passwd["toolkiosk"]
    assert user[5:] == ["/var/lib/toolkiosk", "/usr/sbin/nologin"]
    assert int(user[2]) < 1000, "a system user"
    groups = {line.split(":")[0]: line.split(":")[3].split(",") for line in (root / "etc/group").read_text().splitlines()}
    for group in ("video", "input", "render", "audio", "lp"):
        assert "toolkiosk" in groups[group], group


def test_data_folder_belongs_to_the_kiosk_and_kivy_config_to_root(installed):
    root, _ = installed
    ids = in_chroot(root, "stat", "-c", "%U %a %n", "/var/lib/toolkiosk", "/var/lib/toolkiosk/photos",
                    "/var/lib/toolkiosk/kivy", "/var/lib/toolkiosk/kivy/config.ini").stdout.splitlines()
    assert ids == ["toolkiosk 750 /var/lib/toolkiosk", "toolkiosk 750 /var/lib/toolkiosk/photos",
                   "toolkiosk 750 /var/lib/toolkiosk/kivy", "root 644 /var/lib/toolkiosk/kivy/config.ini"]


def test_app_runs_from_its_venv_with_system_site_packages(installed):
    root, _ = installed
    assert "include-system-site-packages = true" in (root / "opt/toolkiosk/venv/pyvenv.cfg").read_text()
    assert in_chroot(root, "/opt/toolkiosk/venv/bin/toolkiosk", "--version").stdout.startswith("toolkiosk ")
    kivy = in_chroot(root, "/opt/toolkiosk/venv/bin/python", "-c", "import kivy, pyzbar.pyzbar; print(kivy.__version__)")
    assert kivy.stdout.strip().endswith("2.3.1")


def test_installed_app_carries_its_assets(installed):
    """The wheel the installer built: sounds, compiled Spanish, label fonts and the demo, all from the venv."""
    root, _ = installed
    python = "/opt/toolkiosk/venv/bin/python"
    report = in_chroot(root, python, "-I", "-c", "; ".join([
        "from kiosk import assets",
        "from kiosk.labels.fonts import font",
        "from kiosk.ui.i18n import load",
        "print(assets.path())",
        "print(sorted(p.name for p in assets.path('sounds').iterdir()))",
        "print(sorted(p.name for p in assets.path('locale', 'es', 'LC_MESSAGES').iterdir()))",
        "print(load('es').gettext('Borrowing? Scan your card.'))",
        "print(font('title', 40).path)",
    ])).stdout.splitlines()
    site = report[0]
    assert site.startswith("/opt/toolkiosk/venv/lib/") and site.endswith("/site-packages/kiosk/assets")
    assert report[1:] == ["['accepted.wav', 'help.wav', 'refused.wav', 'returned.wav']", "['kiosk.mo', 'web.mo']",
                          "¿Te llevas algo? Escanea tu tarjeta.",
                          f"{site}/fonts/DejaVuSans-Bold.ttf"]
    demo = in_chroot(root, "/opt/toolkiosk/venv/bin/toolkiosk", "demo", "--no-ui", "--home", "/tmp/demo")
    assert "205 tools, 50 members" in demo.stdout


def test_units_enabled_and_console_login_masked(installed):
    root, _ = installed
    etc = root / "etc/systemd/system"
    assert str((etc / "multi-user.target.wants/toolkiosk.service").readlink()) == "/etc/systemd/system/toolkiosk.service"
    assert str((etc / "timers.target.wants/toolkiosk-backup.timer").readlink()) == "/etc/systemd/system/toolkiosk-backup.timer"
    assert not (etc / "timers.target.wants/toolkiosk-update.timer").is_symlink(), "updates are opt-in"
    assert str((etc / "getty@tty1.service").readlink()) == "/dev/null"


@pytest.mark.parametrize("unit", UNITS)
def test_systemd_analyze_verify(installed, unit):
    """Checked against the installed root: the commands the units run exist there."""
    root, _ = installed
    done = subprocess.run(["systemd-analyze", "verify", f"--root={root}", f"/etc/systemd/system/{unit}"],
                          capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout + done.stderr == "", done.stderr


def test_kernel_command_line(installed):
    root, _ = installed
    tokens = (root / "boot/firmware/cmdline.txt").read_text().split()
    assert {"consoleblank=0", "console=tty3", "vt.global_cursor_default=0"} <= set(tokens)
    assert "console=tty1" not in tokens


def test_backup_as_the_timer_runs_it(installed):
    """The backup service's command, as its user, on a WAL ledger in the kiosk's home."""
    root, _ = installed
    db = root / "var/lib/toolkiosk/ledger.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY)")
    conn.executemany("INSERT INTO events VALUES (?)", [(i,) for i in range(50)])
    conn.commit()
    conn.close()
    in_chroot(root, "chown", "toolkiosk:toolkiosk", "/var/lib/toolkiosk/ledger.db")
    in_chroot(root, "install", "-d", "-o", "toolkiosk", "/mnt/toolkiosk-backup/toolkiosk")
    done = in_chroot(root, "runuser", "-u", "toolkiosk", "--", "/opt/toolkiosk/venv/bin/toolkiosk", "backup",
                     "--home", "/var/lib/toolkiosk", "--to", "/mnt/toolkiosk-backup/toolkiosk", "--keep", "14")
    assert "backed up to /mnt/toolkiosk-backup/toolkiosk/ledger-" in done.stdout
    copy, = (root / "mnt/toolkiosk-backup/toolkiosk").glob("ledger-*.db")
    assert sqlite3.connect(copy).execute("SELECT count(*) FROM events").fetchone() == (50,)


def test_overlay_enable_with_a_data_partition(installed):
    """overlay.sh in the root, the data on its own (tmpfs) mount listed in fstab, raspi-config stubbed."""
    root, _ = installed
    stub = root / "usr/local/sbin/raspi-config"
    stub.write_text('#!/bin/sh\necho "$@" >> /tmp/raspi-config.calls\n')
    stub.chmod(0o755)
    fstab = root / "etc/fstab"
    original = fstab.read_text()
    fstab.write_text(original + "LABEL=TKDATA /var/lib/toolkiosk ext4 defaults,noatime 0 2\n")
    script = ("mount -t tmpfs tmpfs /var/lib/toolkiosk && "
              "/opt/toolkiosk/src/deploy/raspberrypi/overlay.sh enable && cat /tmp/raspi-config.calls")
    try:
        done = in_chroot(root, "sh", "-c", script)
    finally:
        fstab.write_text(original)
        stub.unlink()
    assert "The read-only root is on from the next reboot." in done.stdout
    assert done.stdout.splitlines()[-1] == "nonint do_overlayfs 0"


def test_rerun_is_an_upgrade_that_changes_nothing(installed):
    root, _ = installed
    watched = [root / "etc/fstab", root / "boot/firmware/cmdline.txt", root / "etc/passwd", root / "etc/group",
               root / "var/lib/toolkiosk/kivy/config.ini", *[root / "etc/systemd/system" / u for u in UNITS]]
    before = [p.read_bytes() for p in watched]
    done = in_chroot(root, "/opt/toolkiosk/src/deploy/raspberrypi/install.sh")
    assert [p.read_bytes() for p in watched] == before
    changes = [line for line in done.stdout.splitlines() if line.startswith(("==> placed", "==> updated", "==> added"))]
    assert changes == []
    assert (root / "etc/systemd/system/toolkiosk.service").read_bytes() == (PI / "systemd/toolkiosk.service").read_bytes()
