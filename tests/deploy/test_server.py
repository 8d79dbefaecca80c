"""deploy/server: the installer in the Bookworm root, its units verified there, and the backup script."""

import os
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from tests.deploy.conftest import SERVER, in_chroot

UNITS = ["toolkiosk-server.service", "toolkiosk-server-backup.service", "toolkiosk-server-backup.timer",
         "toolkiosk-server-reminders.service", "toolkiosk-server-reminders.timer"]


@pytest.fixture(scope="module")
def server_root(pi_root):
    """The server installed for real in the same Bookworm root as the kiosk (they do not overlap)."""
    done = in_chroot(pi_root, "/opt/toolkiosk/src/deploy/server/install.sh")
    assert "==> done." in done.stdout
    return pi_root


def test_server_user_venv_and_settings(server_root):
    root = server_root
    assert any(line.startswith("toolkiosk-server:") for line in (root / "etc/passwd").read_text().splitlines())
    help_text = in_chroot(root, "/opt/toolkiosk-server/venv/bin/toolkiosk-server", "--help").stdout
    assert "serve" in help_text
    mode = in_chroot(root, "stat", "-c", "%a %G", "/etc/toolkiosk-server/server.env").stdout.split()
    assert mode == ["640", "toolkiosk-server"]
    assert (root / "etc/systemd/system/multi-user.target.wants/toolkiosk-server.service").is_symlink()
    assert (root / "etc/systemd/system/timers.target.wants/toolkiosk-server-backup.timer").is_symlink()
    assert (root / "etc/systemd/system/timers.target.wants/toolkiosk-server-reminders.timer").is_symlink()
    assert "reminders" in help_text and "coordinator" in help_text


@pytest.mark.parametrize("unit", UNITS)
def test_systemd_analyze_verify(server_root, unit):
    done = subprocess.run(["systemd-analyze", "verify", f"--root={server_root}", f"/etc/systemd/system/{unit}"],
                          capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout + done.stderr == "", done.stderr


def test_rerun_keeps_the_administrators_settings(server_root):
    env = server_root / "etc/toolkiosk-server/server.env"
    env.write_text("TOOLKIOSK_DATABASE_URL=postgresql:///toolkiosk\n")
    in_chroot(server_root, "/opt/toolkiosk/src/deploy/server/install.sh")
    assert env.read_text() == "TOOLKIOSK_DATABASE_URL=postgresql:///toolkiosk\n"


def run_backup(dest, **env):
    return subprocess.run([str(SERVER / "backup.sh")], capture_output=True, text=True,
                          env={**os.environ, "TOOLKIOSK_BACKUP_DIR": str(dest), **env})


def test_sqlite_backup_is_whole_checked_and_rotated(tmp_path):
    data, dest = tmp_path / "data", tmp_path / "backups"
    data.mkdir()
    dest.mkdir()
    db = sqlite3.connect(data / "server.db")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY)")
    db.executemany("INSERT INTO events VALUES (?)", [(i,) for i in range(100)])
    db.commit()  # left open: the live server keeps its WAL
    for day in range(1, 4):  # older backups already there
        (dest / f"server-2025010{day}-000000.db").write_bytes(b"old")
    (dest / ".partial-server-20250104-000000.db").write_bytes(b"cut off")
    done = run_backup(dest, TOOLKIOSK_SERVER_DATA=str(data), TOOLKIOSK_BACKUP_KEEP="2")
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in dest.iterdir())
    assert len(names) == 2 and names[0] == "server-20250103-000000.db"
    copy = sqlite3.connect(dest / names[1])
    assert copy.execute("SELECT count(*) FROM events").fetchone() == (100,)
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    db.close()


def test_backup_fails_clearly_without_its_folder_or_database(tmp_path):
    missing = run_backup(tmp_path / "none", TOOLKIOSK_SERVER_DATA=str(tmp_path))
    assert missing.returncode == 1 and "is missing" in missing.stderr
    no_db = run_backup(tmp_path, TOOLKIOSK_SERVER_DATA=str(tmp_path / "empty"))
    assert no_db.returncode == 1 and "no database at" in no_db.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def postgres_db():
    """A throwaway role and database made by setup-postgres.sh on the local PostgreSQL, dropped afterwards."""
    if os.geteuid() != 0 or shutil.which("pg_dump") is None or shutil.which("runuser") is None:
        pytest.skip("needs root and the PostgreSQL client")
    probe = subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-tAc", "SELECT 1"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("no local PostgreSQL server is running")
    name = f"tk_test_{uuid.uuid4().hex[:8]}"
    done = subprocess.run([str(SERVER / "setup-postgres.sh"), name, name], capture_output=True, text=True)
    try:
        assert done.returncode == 0, done.stderr
        again = subprocess.run([str(SERVER / "setup-postgres.sh"), name, name], capture_output=True, text=True)
        assert again.returncode == 0, again.stderr
        yield name
    finally:
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"DROP ROLE IF EXISTS {name}"):
            subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-qc", sql], check=True)


def test_postgres_setup_and_dump(postgres_db):
    owner = subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-tAc",
                            f"SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '{postgres_db}'"],
                           capture_output=True, text=True, check=True).stdout.strip()
    assert owner == postgres_db
    subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-q", "-d", postgres_db, "-c",
                    "CREATE TABLE events (id int); INSERT INTO events VALUES (1), (2)"], check=True)
    with tempfile.TemporaryDirectory() as folder:  # pytest's own are closed to other users
        shutil.chown(folder, "postgres")
        dump_and_list(postgres_db, Path(folder))


def dump_and_list(db, dest):
    done = subprocess.run(["runuser", "-u", "postgres", "--", "env", f"TOOLKIOSK_BACKUP_DIR={dest}",
                           f"TOOLKIOSK_DATABASE_URL=postgresql:///{db}", str(SERVER / "backup.sh")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    dump, = dest.glob("server-*.dump")
    listing = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True, text=True, check=True).stdout
    assert "TABLE DATA public events" in listing
