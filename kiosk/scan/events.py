"""What the scanner reports: codes read, scan events, and the state of its inputs.

Times are ``time.monotonic()`` seconds: good for ordering and latency. The
ledger stamps loans with its own clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CAMERA, USB_SCANNER, KEYBOARD = "camera", "usb-scanner", "keyboard"
UNKNOWN_SYMBOLOGY = "unknown"  # keyboard-wedge scanners type the text, not its symbology


@dataclass(frozen=True)
class Code:
    """One barcode read from one image."""

    text: str
    symbology: str


@dataclass(frozen=True)
class ScanEvent:
    """A code that counts: confirmed, debounced, ready for the checkout screen."""

    source: str  # CAMERA, USB_SCANNER or KEYBOARD
    text: str
    symbology: str
    time: float
    device: str = field(default="")  # which camera or scanner, when there may be several


@dataclass(frozen=True)
class StatusEvent:
    """An input came, went or failed; the UI shows ``message`` to people.

    ``state`` is one of: ``ready`` (working, also after a reconnect),
    ``missing`` (no such device), ``busy`` (another program holds it),
    ``lost`` (unplugged or failed mid-session), ``ended`` (a file source has
    no more frames), ``unavailable`` (this machine cannot read it at all).
    """

    source: str
    state: str
    message: str
    time: float
    device: str = field(default="")
