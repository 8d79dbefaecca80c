#!/usr/bin/env bash
# Installs the Debian / Raspberry Pi OS packages the kiosk and its tests need.
# Usage: scripts/install-system-packages.sh [run|test]
#   run   what the kiosk needs to start (the default)
#   test  that, plus a virtual screen, a browser and the deployment checkers
set -euo pipefail

# python3-evdev: PyPI has it only as source; the virtual environment sees Debian's build
want=(python3 python3-venv python3-dev python3-evdev libzbar0 libgl1 libegl1 libmtdev1)
if [ "${1:-run}" = "test" ]; then
    want+=(xvfb xauth chromium shellcheck systemd debootstrap sqlite3 git)
fi
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "${1:-run}" = "run" ]; then
    want+=(xvfb xauth)   # no screen attached: the demo runs on a virtual one
fi

missing=()
for pkg in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing system packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
