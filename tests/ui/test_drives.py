"""Removable drives are found from a mounts file and /sys/block, as the system shows them."""

from __future__ import annotations

from pathlib import Path

from kiosk.ui.drives import Drive, removable_drives


def disk(block: Path, name: str, partitions: list[str], *, removable: bool, usb: bool = False) -> None:
    """A disk in a fake /sys/block: a link into the device tree, as the kernel makes it."""
    real = block.parent / "devices" / ("usb1/1-1/1-1:1.0/host0/block" if usb else "platform/mmc/block") / name
    for part in partitions:
        (real / part).mkdir(parents=True)
    real.mkdir(parents=True, exist_ok=True)
    (real / "removable").write_text("1\n" if removable else "0\n")
    block.mkdir(exist_ok=True)
    (block / name).symlink_to(real)


def test_only_writable_removable_drives_under_media(tmp_path):
    media, mnt = tmp_path / "media", tmp_path / "mnt"
    places = {name: media / "pi" / name for name in ("KINGSTON", "SSD", "CARD", "LOCKED", "My Photos", "internal", "share")}
    places["mnt"] = mnt / "sandboxing"
    places["root"] = tmp_path / "root"
    for place in places.values():
        place.mkdir(parents=True)
    block = tmp_path / "sys" / "block"
    disk(block, "mmcblk0", ["mmcblk0p1", "mmcblk0p2"], removable=False)
    disk(block, "sda", ["sda1"], removable=True, usb=True)
    disk(block, "sdb", ["sdb1"], removable=False, usb=True)   # a USB SSD: not flagged, but on USB
    disk(block, "sdc", ["sdc1"], removable=True, usb=True)
    disk(block, "sdd", [], removable=True, usb=True)          # no partition table
    disk(block, "nvme0n1", ["nvme0n1p1"], removable=False)
    mounts = tmp_path / "mounts"
    mounts.write_text("\n".join([
        f"/dev/mmcblk0p2 {places['root']} ext4 rw,noatime 0 0",
        f"/dev/nvme0n1p1 {media}/pi/internal ext4 rw 0 0",         # an internal disk mounted under /media
        f"/dev/sda1 {places['KINGSTON']} vfat rw,nosuid,nodev 0 0",
        f"/dev/sdb1 {places['SSD']} exfat rw,nosuid 0 0",
        f"/dev/sdc1 {places['LOCKED']} vfat ro,nosuid 0 0",          # write-protected
        f"/dev/sdd {media}/pi/My\\040Photos vfat rw 0 0",           # a space, as /proc/mounts writes it
        f"/dev/sda1 {places['mnt']} vfat rw 0 0",                   # the same stick bound under /mnt
        f"tmpfs {media}/pi/CARD tmpfs rw 0 0",                      # not a block device
        f"//nas/share {media}/pi/share cifs rw 0 0",
        f"/dev/sda1 {places['KINGSTON']} vfat rw,nosuid,nodev 0 0",  # mounted twice at one place
    ]) + "\n")
    found = removable_drives(mounts, block, bases=(media,))
    assert found == [Drive(places["KINGSTON"], "KINGSTON", "/dev/sda1"), Drive(places["SSD"], "SSD", "/dev/sdb1"),
                     Drive(places["My Photos"], "My Photos", "/dev/sdd")]


def test_no_mounts_file_means_no_drives(tmp_path):
    assert removable_drives(tmp_path / "missing", tmp_path / "sys-block") == []


def test_this_machine_offers_nothing_outside_media():
    for drive in removable_drives():
        assert str(drive.path).startswith(("/media/", "/run/media/"))
