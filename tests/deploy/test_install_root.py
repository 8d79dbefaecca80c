"""install.sh --root DIR: every file placed under DIR for real, system commands printed."""

import configparser
import subprocess

import pytest

from tests.deploy.conftest import PI, PI_CMDLINE

UNITS = ["toolkiosk.service", "toolkiosk-backup.service", "toolkiosk-backup.timer",
         "toolkiosk-update.service", "toolkiosk-update.timer"]


def run_install(root):
    return subprocess.run([str(PI / "install.sh"), "--root", str(root)], capture_output=True, text=True, check=True)


@pytest.fixture
def staged(tmp_path):
    """A root that looks like a fresh Raspberry Pi OS: its boot partition, fstab and groups."""
    root = tmp_path / "root"
    (root / "boot/firmware").mkdir(parents=True)
    (root / "boot/firmware/cmdline.txt").write_text(PI_CMDLINE)
    (root / "etc").mkdir()
    (root / "etc/fstab").write_text("proc /proc proc defaults 0 0\nPARTUUID=4e639091-01 /boot/firmware vfat defaults 0 2\n")
    (root / "etc/group").write_text("video:x:44:pi\naudio:x:29:pi\nlp:x:7:\ninput:x:105:pi\n")
    (root / "etc/os-release").write_text('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nVERSION_CODENAME=bookworm\n')
    return root, run_install(root)


def printed(done):
    return [line[2:] for line in done.stdout.splitlines() if line.startswith("+ ")]


def test_units_and_settings_are_placed_verbatim(staged):
    root, _ = staged
    for unit in UNITS:
        assert (root / "etc/systemd/system" / unit).read_bytes() == (PI / "systemd" / unit).read_bytes()
    assert (root / "etc/systemd/journald.conf.d/toolkiosk.conf").read_bytes() == (PI / "journald.conf").read_bytes()
    assert (root / "etc/systemd/system.conf.d/toolkiosk.conf").read_bytes() == (PI / "system-watchdog.conf").read_bytes()
    assert (root / "etc/systemd/system/toolkiosk.service").stat().st_mode & 0o777 == 0o644


def test_kivy_config_has_one_touch_provider_and_full_screen(staged):
    root, _ = staged
    config = configparser.RawConfigParser()
    config.read(root / "var/lib/toolkiosk/kivy/config.ini")
    assert dict(config.items("input")) == {"touch": "probesysfs,provider=mtdev"}
    assert config.get("graphics", "fullscreen") == "auto"
    assert config.get("graphics", "show_cursor") == "0"
    assert config.get("kivy", "exit_on_escape") == "0"
    assert (root / "var/lib/toolkiosk/photos").is_dir()


def test_kernel_command_line_keeps_the_screen_on_and_the_console_hidden(staged):
    root, _ = staged
    line = (root / "boot/firmware/cmdline.txt").read_text()
    assert line.count("\n") == 1 and line.endswith("\n")
    tokens = line.split()
    assert "consoleblank=0" in tokens and "vt.global_cursor_default=0" in tokens and "logo.nologo" in tokens
    assert "console=tty1" not in tokens and "console=tty3" in tokens
    # What was there stays, in order.
    kept = [t for t in PI_CMDLINE.split() if t != "console=tty1"]
    assert tokens[: len(kept)] == kept
    assert (root / "boot/firmware/cmdline.txt.before-toolkiosk").read_text() == PI_CMDLINE


def test_backup_drive_added_to_fstab_once(staged):
    root, _ = staged
    fstab = (root / "etc/fstab").read_text()
    assert fstab.startswith("proc /proc proc defaults 0 0\n")
    assert "LABEL=TKBACKUP /mnt/toolkiosk-backup auto noauto,nofail" in fstab
    run_install(root)
    assert (root / "etc/fstab").read_text() == fstab


def test_system_commands_are_printed_not_run(staged):
    _, done = staged
    commands = printed(done)
    apt = next(c for c in commands if c.startswith("apt-get install"))
    for package in ("libzbar0", "python3-picamera2", "libsdl2-2.0-0", "libmtdev1", "python3-venv"):
        assert package in apt.split()
    # Only the groups this system lacks are created.
    assert [c for c in commands if c.startswith("groupadd")] == ["groupadd --system render"]
    assert "usermod --append --groups video,input,render,audio,lp toolkiosk" in commands
    assert any(c.startswith("useradd --system") and c.endswith(" toolkiosk") for c in commands)
    assert "python3 -m venv --system-site-packages /opt/toolkiosk/venv" in commands
    assert any(c.startswith("/opt/toolkiosk/venv/bin/pip install") and c.endswith("[ui]") for c in commands)
    assert "systemctl mask getty@tty1.service" in commands
    assert "systemctl enable toolkiosk.service toolkiosk-backup.timer" in commands


def test_second_run_changes_nothing(staged):
    root, _ = staged
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    again = run_install(root)
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
    assert not [line for line in again.stdout.splitlines() if line.startswith(("==> placed", "==> updated", "==> added"))]
    assert "systemctl daemon-reload" not in printed(again)


def test_changed_unit_is_replaced_and_reloaded(staged):
    root, _ = staged
    (root / "etc/systemd/system/toolkiosk.service").write_text("[Service]\nExecStart=/bin/false\n")
    again = run_install(root)
    assert "==> placed /etc/systemd/system/toolkiosk.service" in again.stdout
    assert "systemctl daemon-reload" in printed(again)
    assert (root / "etc/systemd/system/toolkiosk.service").read_bytes() == (PI / "systemd/toolkiosk.service").read_bytes()


def test_unknown_option_is_refused(tmp_path):
    done = subprocess.run([str(PI / "install.sh"), "--frobnicate"], capture_output=True, text=True)
    assert done.returncode == 2 and "unknown option --frobnicate" in done.stderr
