"""Overdue loans with whom to contact, sortable, exported as CSV to a USB stick or a chosen path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.factory import Factory
from kivy.properties import StringProperty

from kiosk.ui.i18n import _, long_date
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import ToolRow


class OverdueScreen(KioskScreen):
    roles = ("coordinator",)
    sort = StringProperty("days")
    summary = StringProperty("")

    def refresh(self) -> None:
        rows = self.service.overdue(self.sort)
        self.summary = _("{count} loans overdue").format(count=len(rows)) if rows else _("Nothing is overdue.")
        box = self.ids.rows
        box.clear_widgets()
        for row in rows:
            days = (_("{days} days overdue") if row["days_overdue"] != 1 else _("1 day overdue")).format(days=row["days_overdue"])
            detail = "\n".join(x for x in (
                f"{row['tool_name'] or row['tool_code']} · {days} · " + _("due {date}").format(date=long_date(row["due"])),
                row["contact"] or _("no contact details")) if x)
            box.add_widget(ToolRow(title=row["member_name"] or row["member_code"] or "?", detail=detail, alert=True,
                                   with_photo=False))
        drives = self.ids.drives
        drives.clear_widgets()
        for folder in self.service.usb_folders()[:3]:
            button = Factory.KButton(text=_("Save to {drive}").format(drive=folder.name))
            button.bind(on_release=lambda _b, f=folder: self.export(f))
            drives.add_widget(button)

    def set_sort(self, sort: str) -> None:
        self.sort = sort
        self.refresh()

    def export_typed(self) -> None:
        text = self.ids.path.text.strip()
        if not text:
            self.app.refuse(_("Type a folder or a file name first."))
            return
        self.export(Path(text).expanduser())

    def export(self, target: Path) -> None:
        try:
            path = self.service.export_overdue(target)
        except OSError as exc:
            self.app.refuse(_("Could not save there: {error}").format(error=exc.strerror or exc))
            return
        self.app.accept(_("Saved {file}").format(file=str(path)))

    def leave(self) -> None:
        self.ids.rows.clear_widgets()

    def on_pre_enter(self, *args: Any) -> None:
        self.ids.path.text = ""
        super().on_pre_enter(*args)
