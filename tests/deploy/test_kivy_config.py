"""The kiosk's Kivy config, read by the Kivy the project installs (no window is opened)."""

import os
import shutil
import subprocess
import sys

from tests.deploy.conftest import PI


def check(kivy_home):
    env = {**os.environ, "KIVY_HOME": str(kivy_home), "KIVY_NO_ARGS": "1", "KIVY_NO_CONSOLELOG": "1"}
    return subprocess.run([sys.executable, str(PI / "kivy_check.py")], env=env, capture_output=True, text=True)


def test_kivy_reads_one_touch_provider_and_leaves_the_file_alone(tmp_path):
    shutil.copy(PI / "kivy-config.ini", tmp_path / "config.ini")
    done = check(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "input {'touch': 'probesysfs,provider=mtdev'}" in done.stdout
    assert (tmp_path / "config.ini").read_bytes() == (PI / "kivy-config.ini").read_bytes()


def test_a_config_without_its_version_would_double_every_touch(tmp_path):
    """Why config_version matters: Kivy would add a mouse and probesysfs beside our provider."""
    text = (PI / "kivy-config.ini").read_text().replace("config_version = 27\n", "")
    (tmp_path / "config.ini").write_text(text)
    done = check(tmp_path)
    assert done.returncode == 1
    assert "'mouse': 'mouse'" in done.stderr and "Kivy rewrote" in done.stderr


def test_another_config_version_is_caught(tmp_path):
    text = (PI / "kivy-config.ini").read_text().replace("config_version = 27", "config_version = 20")
    (tmp_path / "config.ini").write_text(text)
    done = check(tmp_path)
    assert done.returncode == 1 and "Kivy rewrote" in done.stderr
