#!/usr/bin/env bash
# Turns a Raspberry Pi 4 or 5 running Raspberry Pi OS Bookworm (64-bit Lite)
# into the tool library's counter kiosk. Rerun it to upgrade: each step first
# looks at what is there and changes only what differs.
#
# Usage: sudo deploy/raspberrypi/install.sh [--root DIR]
#   --root DIR   place every file under DIR instead of /, and print, without
#                running them, the commands that change the running system
#                (apt-get, users and groups, the virtual environment,
#                systemctl): for inspecting what an install would do.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
ROOT=""
KIOSK_USER=toolkiosk
APP=/opt/toolkiosk
VENV=$APP/venv
DATA=/var/lib/toolkiosk
BACKUP_MOUNT=/mnt/toolkiosk-backup
BACKUP_LABEL=TKBACKUP
# video: the display and camera; input: the touchscreen and barcode scanner;
# render: the GPU (without it Kivy falls back to slow software drawing);
# audio: the beeps; lp: a USB label printer.
GROUPS_NEEDED=(video input render audio lp)
APT_PACKAGES=(
    python3 python3-venv ca-certificates git sqlite3
    libsdl2-2.0-0 libsdl2-image-2.0-0 libsdl2-mixer-2.0-0 libsdl2-ttf-2.0-0
    libegl1 libgles2 libgbm1 libdrm2 libmtdev1 libzbar0
    python3-evdev  # USB barcode scanners; PyPI has it only as source, which needs a compiler and kernel headers
)
# Only in the Raspberry Pi OS archive; picamera2 cannot be installed with pip.
PI_APT_PACKAGES=(python3-picamera2)
UNITS=(toolkiosk.service toolkiosk-backup.service toolkiosk-backup.timer
       toolkiosk-update.service toolkiosk-update.timer)

while [ $# -gt 0 ]; do
    case $1 in
        --root) ROOT=$(realpath -m "${2:?--root needs a folder}"); shift 2 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

say() { printf '==> %s\n' "$*"; }
warn() { printf 'install.sh: warning: %s\n' "$*" >&2; }

# Runs a command that changes the running system, or prints it under --root.
run() {
    if [ -n "$ROOT" ]; then
        local arg line="+"
        for arg in "$@"; do
            [[ $arg =~ ^[][A-Za-z0-9_./:=@,+%-]+$ ]] || arg="'${arg//\'/\'\\\'\'}'"
            line+=" $arg"
        done
        printf '%s\n' "$line"
    else
        "$@"
    fi
}

# place SOURCE TARGET MODE: copies a file in when it differs; true if it did.
place() {
    local target=$ROOT$2
    if [ -f "$target" ] && cmp -s "$1" "$target"; then
        return 1
    fi
    install -D -m "$3" "$1" "$target"
    say "placed $2"
}

# write_if_changed TARGET: replaces TARGET with stdin when the content differs.
write_if_changed() {
    local new
    new=$(mktemp)
    cat > "$new"
    if [ -f "$1" ] && cmp -s "$new" "$1"; then
        rm -f "$new"
        return 0
    fi
    [ -f "$1" ] && [ ! -e "$1.before-toolkiosk" ] && cp -p "$1" "$1.before-toolkiosk"
    install -D -m 0644 "$new" "$1"
    rm -f "$new"
    say "updated ${1#"$ROOT"}"
}

preflight() {
    if [ -z "$ROOT" ] && [ "$(id -u)" -ne 0 ]; then
        echo "install.sh: run as root (sudo), or with --root DIR to inspect" >&2
        exit 1
    fi
    local codename=""
    [ -r "$ROOT/etc/os-release" ] && codename=$(sed -n 's/^VERSION_CODENAME=//p' "$ROOT/etc/os-release")
    [ "$codename" = bookworm ] || warn "made for Raspberry Pi OS Bookworm; this is '${codename:-unknown}'"
}

install_packages() {
    say "installing system packages"
    local packages=("${APT_PACKAGES[@]}") pkg
    if [ -n "$ROOT" ]; then
        packages+=("${PI_APT_PACKAGES[@]}")
    else
        apt-get update -qq
        for pkg in "${PI_APT_PACKAGES[@]}"; do
            if apt-cache policy "$pkg" 2>/dev/null | grep -q -E '^ *Candidate: [^(]'; then
                packages+=("$pkg")
            else
                warn "$pkg is not in this system's archives (not Raspberry Pi OS?): the ribbon camera will not work, USB webcams will"
            fi
        done
    fi
    DEBIAN_FRONTEND=noninteractive run apt-get install -y -qq --no-install-recommends "${packages[@]}"
}

create_user() {
    say "service user $KIOSK_USER"
    local group
    for group in "${GROUPS_NEEDED[@]}"; do
        grep -q "^$group:" "$ROOT/etc/group" 2>/dev/null || run groupadd --system "$group"
    done
    if ! grep -q "^$KIOSK_USER:" "$ROOT/etc/passwd" 2>/dev/null; then
        run useradd --system --user-group --home-dir "$DATA" --no-create-home \
            --shell /usr/sbin/nologin --comment "Tool library kiosk" "$KIOSK_USER"
    fi
    run usermod --append --groups "$(IFS=,; echo "${GROUPS_NEEDED[*]}")" "$KIOSK_USER"
}

install_app() {
    say "application in $VENV"
    # System site packages: picamera2 and libcamera come only from apt.
    if [ ! -x "$ROOT$VENV/bin/python" ]; then
        run python3 -m venv --system-site-packages "$VENV"
    fi
    run "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-warn-script-location "${SRC}[ui]"
}

place_files() {
    say "configuration files"
    local unit changed=""
    for unit in "${UNITS[@]}"; do
        place "$HERE/systemd/$unit" "/etc/systemd/system/$unit" 0644 && changed=1
    done
    place "$HERE/journald.conf" /etc/systemd/journald.conf.d/toolkiosk.conf 0644 || true
    place "$HERE/system-watchdog.conf" /etc/systemd/system.conf.d/toolkiosk.conf 0644 || true
    install -d -m 0750 "$ROOT$DATA" "$ROOT$DATA/kivy" "$ROOT$DATA/photos"
    run chown "$KIOSK_USER:$KIOSK_USER" "$DATA" "$DATA/kivy" "$DATA/photos"
    # Root owns Kivy's config.ini, so the app can never rewrite it.
    place "$HERE/kivy-config.ini" "$DATA/kivy/config.ini" 0644 || true
    install -d -m 0755 "$ROOT$BACKUP_MOUNT"
    set_fstab_line "LABEL=$BACKUP_LABEL $BACKUP_MOUNT auto noauto,nofail,noatime,x-systemd.device-timeout=10s 0 2"
    UNITS_CHANGED=$changed
}

# Adds the backup drive to /etc/fstab, unless a line for its mount point is
# already there (the administrator's own is kept).
set_fstab_line() {
    local fstab=$ROOT/etc/fstab
    touch "$fstab"
    grep -q -E "^[^#]*[[:space:]]${BACKUP_MOUNT}[[:space:]]" "$fstab" && return 0
    printf '%s\n%s\n' "# toolkiosk: the backup drive, see docs/raspberrypi.md" "$1" >> "$fstab"
    say "added the backup drive to /etc/fstab"
}

# The kernel command line: no console blanking, boot messages off the kiosk's
# screen (tty3), no cursor or logo. Other settings stay as they are.
boot_settings() {
    local dir cmdline="" token tokens kept=()
    for dir in /boot/firmware /boot; do
        [ -f "$ROOT$dir/cmdline.txt" ] && { cmdline=$ROOT$dir/cmdline.txt; break; }
    done
    if [ -z "$cmdline" ]; then
        warn "no cmdline.txt in /boot/firmware or /boot (not a Raspberry Pi?): screen blanking left as it is"
        return 0
    fi
    say "kernel command line ${cmdline#"$ROOT"}"
    read -r -a tokens < "$cmdline"
    for token in "${tokens[@]}"; do
        case $token in
            console=tty[0-9]*|consoleblank=*|vt.global_cursor_default=*|logo.nologo|quiet|loglevel=*) ;;
            *) kept+=("$token") ;;
        esac
    done
    kept+=(console=tty3 consoleblank=0 vt.global_cursor_default=0 logo.nologo quiet loglevel=3)
    printf '%s\n' "${kept[*]}" | write_if_changed "$cmdline"
}

check_kivy_config() {
    [ -n "$ROOT" ] && { printf '+ %s\n' "check the Kivy configuration with $HERE/kivy_check.py"; return 0; }
    say "checking the Kivy configuration as Kivy reads it"
    # From stdin: the service user may not be able to read the source folder.
    runuser -u "$KIOSK_USER" -- env KIVY_HOME="$DATA/kivy" KIVY_NO_ARGS=1 KIVY_NO_CONSOLELOG=1 \
        "$VENV/bin/python" - < "$HERE/kivy_check.py"
}

enable_services() {
    say "services"
    # The kiosk has the first console to itself: no login prompt under it.
    run systemctl mask getty@tty1.service
    run systemctl enable toolkiosk.service toolkiosk-backup.timer
    if [ -z "$ROOT" ] && [ ! -d /run/systemd/system ]; then
        say "systemd is not running here (an image being prepared?): all starts at the next boot"
        return 0
    fi
    [ -n "$UNITS_CHANGED" ] && run systemctl daemon-reload
    # An upgrade takes effect now; a first install starts at the next boot.
    run systemctl try-restart toolkiosk.service
}

preflight
install_packages
create_user
place_files
install_app
boot_settings
check_kivy_config
enable_services
say "done. Reboot to start the kiosk (sudo reboot)."
