#!/usr/bin/env bash
# Run by toolkiosk-update.service: pulls the source checkout this script lives
# in and, when it moved, reruns the installer, which restarts the kiosk.
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# With the read-only root every change is gone at the next reboot, and the
# source and the installed app would no longer match: update with it off.
if [ "$(findmnt -n -o FSTYPE /)" = overlay ]; then
    echo "update.sh: the read-only root (overlay) is on; not updating. See docs/raspberrypi.md."
    exit 0
fi

git=(git -c "safe.directory=$SRC" -C "$SRC")
before=$("${git[@]}" rev-parse HEAD)
"${git[@]}" pull --ff-only --quiet
after=$("${git[@]}" rev-parse HEAD)
if [ "$before" = "$after" ]; then
    echo "update.sh: up to date at $after"
    exit 0
fi
echo "update.sh: updating $before -> $after"
exec "$SRC/deploy/raspberrypi/install.sh"
