#!/usr/bin/env bash
# The read-only root for kiosks whose power is cut without a shutdown.
# raspi-config's overlay file system keeps every write to / in RAM, so the
# SD card's root cannot be damaged; the ledger must therefore live on its own
# writable partition mounted at /var/lib/toolkiosk, or it is lost at reboot.
#
# Usage: sudo deploy/raspberrypi/overlay.sh status|enable|disable
#   enable and disable take effect at the next reboot.
set -euo pipefail

DATA=/var/lib/toolkiosk

status() {
    local now=off next=off data="on the root filesystem (would be lost with the overlay on)"
    [ "$(findmnt -n -o FSTYPE /)" = overlay ] && now=on
    configured && next=on
    data_on_own_partition && data="on its own partition ($(findmnt -n -o SOURCE --target "$DATA"))"
    echo "read-only root now: $now"
    echo "read-only root after reboot: $next"
    echo "kiosk data $DATA: $data"
}

# raspi-config turns the overlay on with a kernel parameter: overlayroot=tmpfs
# on Bookworm, boot=overlay before it.
configured() {
    local file
    for file in /boot/firmware/cmdline.txt /boot/cmdline.txt; do
        [ -f "$file" ] && grep -q -E '(^| )(overlayroot=tmpfs|boot=overlay)( |$)' "$file" && return 0
    done
    return 1
}

# True when DATA is a mount point listed in /etc/fstab, so it is mounted at
# every boot and is not part of the overlaid root.
data_on_own_partition() {
    mountpoint -q "$DATA" && findmnt --fstab -n "$DATA" >/dev/null
}

need_root() {
    [ "$(id -u)" -eq 0 ] || { echo "overlay.sh: run as root (sudo)" >&2; exit 1; }
    command -v raspi-config >/dev/null || { echo "overlay.sh: needs raspi-config (Raspberry Pi OS)" >&2; exit 1; }
}

case ${1:-} in
    status)
        status ;;
    enable)
        need_root
        if ! data_on_own_partition; then
            echo "overlay.sh: $DATA is not its own partition in /etc/fstab; with the read-only root" >&2
            echo "the ledger would live in RAM and vanish at reboot. See docs/raspberrypi.md." >&2
            exit 1
        fi
        raspi-config nonint do_overlayfs 0
        echo "The read-only root is on from the next reboot." ;;
    disable)
        need_root
        raspi-config nonint do_overlayfs 1
        echo "The read-only root is off from the next reboot." ;;
    *)
        sed -n '2,8p' "$0" >&2
        exit 2 ;;
esac
