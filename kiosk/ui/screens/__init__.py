"""The kiosk's screens: one module and one .kv file each, registered here by name."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Iterator, Mapping

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
    "repairs": ("repairs", "RepairsScreen"),
    "repair": ("repair", "RepairScreen"),
}


_loaded: dict[str, type] = {}  # screen classes whose .kv rules are loaded, by screen name


def screen_class(name: str, builder: Any) -> type:
    """Imports a screen and loads its .kv rules, once."""
    if name not in _loaded:
        module_name, class_name = SCREENS[name]
        module = importlib.import_module(f"kiosk.ui.screens.{module_name}")
        builder.load_file(str(HERE / f"{module_name}.kv"))
        _loaded[name] = getattr(module, class_name)
    return _loaded[name]


class Screens(Mapping[str, Any]):
    """The app's screens by name, each made the first time it is needed, so a cold start
    makes home alone; the others follow one per frame (:meth:`make_next`) or on demand."""

    def __init__(self, manager: Any, builder: Any):
        self.manager = manager
        self._builder = builder
        self._made: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in SCREENS:
            raise KeyError(name)
        if name not in self._made:
            screen = self._made[name] = screen_class(name, self._builder)(name=name)
            self.manager.add_widget(screen)
        return self._made[name]

    def __iter__(self) -> Iterator[str]:
        return iter(SCREENS)

    def __len__(self) -> int:
        return len(SCREENS)

    @property
    def complete(self) -> bool:
        """Every screen is made."""
        return len(self._made) == len(SCREENS)

    def make_next(self) -> bool:
        """Makes one screen not made yet; False when all are."""
        name = next((n for n in SCREENS if n not in self._made), None)
        if name is None:
            return False
        self[name]
        return True
