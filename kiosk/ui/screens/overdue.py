"""Overdue loans with whom to contact, sortable; the list as CSV on a USB drive plugged into the kiosk."""

from __future__ import annotations

from typing import Any

from kivy.factory import Factory
from kivy.properties import BooleanProperty, StringProperty

from kiosk.ui.drives import Drive
from kiosk.ui.i18n import _, long_date
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import ToolRow


class OverdueScreen(KioskScreen):
    roles = ("coordinator",)
    sort = StringProperty("days")
    summary = StringProperty("")
    exporting = BooleanProperty(False)  # the drives to save to are shown instead of the list
    export_text = StringProperty("")

    def setup(self, **_: Any) -> None:
        self.exporting = False

    def refresh(self) -> None:
        rows = self.service.overdue(self.sort)
        self.summary = _("{count} loans overdue").format(count=len(rows)) if rows else _("Nothing is overdue.")
        box = self.ids.rows
        box.clear_widgets()
        for row in rows:
            days = (_("{days} days overdue") if row["days_overdue"] != 1 else _("1 day overdue")).format(days=row["days_overdue"])
            who = row["member_name"] or row["member_code"] or "?"
            box.add_widget(ToolRow(title=f"{who} · {row['contact'] or _('no contact details')}",
                                   detail=f"{row['tool_name'] or row['tool_code']} · {days} · "
                                          + _("due {date}").format(date=long_date(row["due"])),
                                   alert=True, with_photo=False))
        if self.exporting:
            self.find_drives()

    def set_sort(self, sort: str) -> None:
        self.sort = sort
        self.exporting = False
        self.refresh()

    def toggle_export(self) -> None:
        self.exporting = not self.exporting
        if self.exporting:
            self.find_drives()

    def find_drives(self) -> None:
        """A button per removable drive plugged in; a plain word when there is none."""
        drives = self.service.removable_drives()
        self.export_text = (_("Save the overdue list (CSV, for a spreadsheet) to:") if drives else
                            _("No USB drive is plugged in. Plug one into the kiosk, then look again."))
        box = self.ids.drives
        box.clear_widgets()
        for drive in drives:
            button = Factory.KButton(text=_("USB drive {name}").format(name=drive.label))
            button.bind(on_release=lambda _b, d=drive: self.export(d))
            box.add_widget(button)

    def export(self, drive: Drive) -> None:
        try:
            path = self.service.export_overdue(drive.path)
        except OSError as exc:
            self.app.refuse(_("Could not save there: {error}").format(error=exc.strerror or exc))
            return
        self.app.accept(_("Saved {file} on the USB drive {name}.").format(file=path.name, name=drive.label))
        self.exporting = False

    def leave(self) -> None:
        self.ids.rows.clear_widgets()
        self.exporting = False
