#!/usr/bin/env bash
# Installs the shared sync server on a Debian 12 (Bookworm) machine: a
# service user, a virtual environment with the server, its systemd units and
# a nightly backup. Rerun it to upgrade. TLS comes from a reverse proxy (see
# Caddyfile or nginx.conf) and PostgreSQL, if wanted, from setup-postgres.sh.
# Usage: sudo deploy/server/install.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
SERVER_USER=toolkiosk-server
VENV=/opt/toolkiosk-server/venv
DATA=/var/lib/toolkiosk-server
BACKUPS=/var/backups/toolkiosk-server
UNITS=(toolkiosk-server.service toolkiosk-server-backup.service toolkiosk-server-backup.timer
       toolkiosk-server-reminders.service toolkiosk-server-reminders.timer)

say() { printf '==> %s\n' "$*"; }

[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root (sudo)" >&2; exit 1; }

say "system packages"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    python3 python3-venv ca-certificates sqlite3 postgresql-client

say "service user $SERVER_USER"
getent passwd "$SERVER_USER" >/dev/null ||
    useradd --system --user-group --home-dir "$DATA" --no-create-home \
        --shell /usr/sbin/nologin --comment "Tool library sync server" "$SERVER_USER"
install -d -o "$SERVER_USER" -g "$SERVER_USER" -m 0750 "$DATA" "$BACKUPS"

say "application in $VENV"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check --no-warn-script-location "${SRC}[server]"

say "configuration"
# Local settings are the administrator's: written once, never overwritten.
[ -f /etc/toolkiosk-server/server.env ] || install -D -m 0640 -g "$SERVER_USER" "$HERE/server.env" /etc/toolkiosk-server/server.env
install -m 0755 "$HERE/backup.sh" /opt/toolkiosk-server/backup.sh
for unit in "${UNITS[@]}"; do
    install -m 0644 "$HERE/$unit" "/etc/systemd/system/$unit"
done

say "services"
systemctl enable toolkiosk-server.service toolkiosk-server-backup.timer toolkiosk-server-reminders.timer
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl restart toolkiosk-server.service
fi
say "done. The server listens on 127.0.0.1:8080; put Caddy or nginx in front (docs/server.md)."
