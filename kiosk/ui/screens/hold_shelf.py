"""The volunteers' hold shelf: what is on it and until when, and what to do with each item."""

from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.ui.i18n import _, long_date
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import ToolRow


class HoldShelfScreen(KioskScreen):
    roles = ("volunteer", "coordinator")
    summary = StringProperty("")

    def refresh(self) -> None:
        items = self.service.hold_shelf()
        self.items = {i["hold_id"] or i["tool_code"]: i for i in items}
        self.summary = (_("{count} items on the hold shelf").format(count=len(items)) if items
                        else _("The hold shelf is empty."))
        box = self.ids.rows
        box.clear_widgets()
        for key, item in self.items.items():
            name = item["tool_name"] or item["tool_code"]
            shelf = _("shelf {shelf}").format(shelf=item["shelf"]) if item["shelf"] else ""
            if item["state"] == "open_shelf":
                detail, action = _("On the open shelf, but {name} is waiting for it").format(name=item["next"]), \
                    _("Set aside")
            elif item["state"] == "ready":
                detail, action = _("For {name}, until {date}").format(
                    name=item["for"], date=long_date(item["ready_until"])), ""
            else:
                detail = _("{name} did not pick it up by {date}").format(name=item["for"],
                                                                        date=long_date(item["ready_until"]))
                action = _("Give to {name}").format(name=item["next"]) if item["next"] else _("Put back")
            row = ToolRow(title=" · ".join(x for x in (name, shelf) if x), detail=detail,
                          alert=item["state"] != "ready", code=key, action=action, with_photo=False)
            row.bind(on_action_press=lambda r: self.work(r.code))
            box.add_widget(row)

    def work(self, key: str) -> None:
        item = self.items[key]
        passed = self.service.work_shelf_item(item)
        self.app.request_sync()
        self.app.accept(_("Now for {name}: label it and keep it on the hold shelf.").format(name=passed["shelf_name"])
                        if passed else _("Put it back on the open shelf."))
        self.refresh()

    def leave(self) -> None:
        self.ids.rows.clear_widgets()
