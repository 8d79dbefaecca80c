"""Removable drives a coordinator can save an export to: USB sticks and SD cards that the system
mounted under /media or /run/media, read from /proc/mounts and /sys/block. No Kivy here.

    removable_drives()   # [Drive(path=Path('/media/pi/KINGSTON'), label='KINGSTON', device='/dev/sda1')]

A folder under /mnt, or any mount that is not a removable disk (the SD card the system runs from,
a network share, a bind mount), is never offered.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

MOUNTS = Path("/proc/mounts")
SYS_BLOCK = Path("/sys/block")
MOUNT_BASES = (Path("/media"), Path("/run/media"))  # where desktop and udisks mount plugged-in drives


@dataclass(frozen=True)
class Drive:
    path: Path      # where it is mounted
    label: str      # its name as people see it: the volume label, else the mount folder's name
    device: str     # /dev/sda1


def removable_drives(mounts: Path = MOUNTS, sys_block: Path = SYS_BLOCK,
                     bases: tuple[Path, ...] = MOUNT_BASES) -> list[Drive]:
    """Writable removable drives mounted under ``bases``, in mount order, each once."""
    try:
        lines = mounts.read_text().splitlines()
    except OSError:
        return []
    found: dict[Path, Drive] = {}
    for line in lines:
        fields = line.split()
        if len(fields) < 4 or not fields[0].startswith("/dev/"):
            continue
        device, where, options = fields[0], Path(_unescape(fields[1])), fields[3].split(",")
        if "ro" in options or not any(base in where.parents for base in bases):
            continue
        if not is_removable(Path(device).name, sys_block) or not os.access(where, os.W_OK):
            continue
        found.setdefault(where, Drive(where, where.name, device))
    return list(found.values())


def is_removable(name: str, sys_block: Path = SYS_BLOCK) -> bool:
    """Whether the block device (a disk, ``sda``, or one of its partitions, ``sda1``) is a removable
    disk: flagged removable by its driver, or attached over USB (USB disks often are not flagged)."""
    for disk in sorted(sys_block.iterdir()) if sys_block.is_dir() else []:
        if disk.name == name or (disk / name).is_dir():
            try:
                flagged = (disk / "removable").read_text().strip() == "1"
            except OSError:
                flagged = False
            return flagged or "/usb" in os.path.realpath(disk)
    return False


def _unescape(text: str) -> str:
    """/proc/mounts writes a space in a path as \\040 (and tab, newline, backslash likewise)."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        text = text.replace(code, char)
    return text
