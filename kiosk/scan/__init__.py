"""Barcode scanning: camera frames and USB scanners into one stream of scan events.

The UI needs only ``Scanner``, ``ScannerConfig``, ``ScanEvent`` and
``StatusEvent`` (see ``kiosk.scan.scanner``). ``Decoder`` reads codes from a
single image. No Kivy here: the UI consumes the events on its own thread.
"""

from kiosk.scan.decoder import Decoder
from kiosk.scan.events import CAMERA, KEYBOARD, USB_SCANNER, Code, ScanEvent, StatusEvent
from kiosk.scan.scanner import Scanner, ScannerConfig

__all__ = ["CAMERA", "KEYBOARD", "USB_SCANNER", "Code", "Decoder", "ScanEvent", "Scanner", "ScannerConfig", "StatusEvent"]
