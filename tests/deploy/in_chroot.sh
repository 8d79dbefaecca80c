#!/usr/bin/env bash
# Runs a command inside a Debian root with /proc, /sys and /dev mounted and
# apt's downloaded packages shared from CACHE/apt, in a private mount
# namespace: every mount disappears when the command ends.
# Usage: unshare --mount --propagation private in_chroot.sh ROOT CACHE COMMAND...
set -euo pipefail
root=$1 cache=$2
shift 2
mkdir -p "$cache/apt"
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --rbind /dev "$root/dev"
mount --bind "$cache/apt" "$root/var/cache/apt/archives"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# A clean environment, as under sudo, plus what reaching the package
# registries from this machine needs (a proxy, its certificate authority).
env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
     DEBIAN_FRONTEND=noninteractive)
for name in PIP_INDEX_URL PIP_CERT http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
    [ -n "${!name:-}" ] && env+=("$name=${!name}")
done
exec env -i "${env[@]}" chroot "$root" "$@"
