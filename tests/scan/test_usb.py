from kiosk.scan.usb import matches


def test_auto_reads_devices_that_name_themselves_scanners():
    assert matches("Honeywell Imaging & Mobility 1900", "/dev/input/event5", ["auto"])
    assert matches("NETUM Barcode Scanner", "/dev/input/event7", ["auto"])
    assert not matches("Logitech USB Keyboard", "/dev/input/event3", ["auto"])
    assert not matches("raspberrypi-ts", "/dev/input/event0", ["auto"])  # the touchscreen


def test_devices_can_be_named_by_path_or_part_of_their_name():
    assert matches("USB HID Keyboard", "/dev/input/event4", ["/dev/input/event4"])
    assert matches("USB HID Keyboard", "/dev/input/event4", ["hid keyboard"])
    assert not matches("USB HID Keyboard", "/dev/input/event4", ["/dev/input/event9", "scanner"])
