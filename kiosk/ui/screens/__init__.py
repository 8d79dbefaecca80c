"""The kiosk's screens: one module and one .kv file each, registered here by name."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# screen name -> its module and class; the .kv file is named after the module
SCREENS = {
    "home": ("home", "HomeScreen"),
    "tool": ("tool", "ToolScreen"),
    "checkin": ("checkin", "CheckinScreen"),
    "member": ("member", "MemberScreen"),
    "receipt": ("receipt", "ReceiptScreen"),
    "pin": ("pin", "PinScreen"),
    "volunteer": ("volunteer", "VolunteerScreen"),
    "tool_form": ("tool_form", "ToolFormScreen"),
    "member_form": ("member_form", "MemberFormScreen"),
    "inventory": ("inventory", "InventoryScreen"),
    "coordinator": ("coordinator", "CoordinatorScreen"),
    "overdue": ("overdue", "OverdueScreen"),
    "conflicts": ("conflicts", "ConflictsScreen"),
    "settings": ("settings", "SettingsScreen"),
    "waitlist": ("waitlist", "WaitlistScreen"),
    "hold_slip": ("hold_slip", "HoldSlipScreen"),
    "hold_shelf": ("hold_shelf", "HoldShelfScreen"),
    "find_tool": ("find_tool", "FindToolScreen"),
}


def load(builder: Any) -> dict[str, type]:
    """Imports every screen and loads its .kv rules; returns the screen classes by name."""
    classes = {}
    for name, (module_name, class_name) in SCREENS.items():
        module = importlib.import_module(f"kiosk.ui.screens.{module_name}")
        builder.load_file(str(HERE / f"{module_name}.kv"))
        classes[name] = getattr(module, class_name)
    return classes
