#!/usr/bin/env bash
# Installs the Debian / Raspberry Pi OS packages the kiosk and its tests need.
# Usage: scripts/install-system-packages.sh [run|test|arm64]
#   run    what the kiosk needs to start (the default)
#   test   that, plus a virtual screen, a browser and the deployment checkers
#   arm64  that, plus qemu-user-static registered for aarch64 (the arm64 proof)
set -euo pipefail

# python3-evdev: PyPI has it only as source; the virtual environment sees Debian's build
want=(python3 python3-venv python3-dev python3-evdev libzbar0 libgl1 libegl1 libmtdev1)
if [ "${1:-run}" = "test" ] || [ "${1:-run}" = "arm64" ]; then
    want+=(xvfb xauth chromium shellcheck systemd debootstrap sqlite3 git)
fi
if [ "${1:-run}" = "arm64" ]; then
    want+=(qemu-user-static binfmt-support)
fi
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "${1:-run}" = "run" ]; then
    want+=(xvfb xauth)   # no screen attached: the demo runs on a virtual one
fi

register_arm64() {
    # binfmt_misc lets the kernel run aarch64 programs through qemu inside a chroot
    [ "${1:-run}" = "arm64" ] || return 0
    [ -e /proc/sys/fs/binfmt_misc/register ] || $sudo mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    $sudo update-binfmts --enable qemu-aarch64
}

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
missing=()
for pkg in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
    register_arm64 "${1:-run}"
    exit 0
fi

echo "Installing system packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
register_arm64 "${1:-run}"
