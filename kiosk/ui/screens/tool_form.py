"""Adding or editing a tool: photo from the camera, the catalog's fields, its label, its status.

Opened with ``code`` (edit that tool), ``new_code`` (a fresh label scanned),
``maker_code`` (a maker's UPC/EAN scanned: name, brand and model are filled
from the shared catalog when a library has that code), ``copy_of`` (another
copy of that tool: its fields, a label of its own) or nothing (a code is
minted on saving). A tool just added is shown with "Add another copy".
"""

from __future__ import annotations

from typing import Any

from kivy.factory import Factory
from kivy.properties import BooleanProperty, DictProperty, ListProperty, StringProperty
from kivy.uix.modalview import ModalView

from kiosk.ledger import LedgerError
from kiosk.ui import settings_input as read
from kiosk.ui.i18n import N_, _
from kiosk.ui.messages import status_text
from kiosk.ui.printing import print_label
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.volunteer import STAFF
from kiosk.ui.service import Scan

CONDITIONS = {"new": N_("New"), "good": N_("Good"), "fair": N_("Fair"), "worn": N_("Worn")}
STATUS_ACTIONS = {"in_repair": N_("In repair"), "available": N_("Back in service"), "missing": N_("Missing"),
                  "retired": N_("Retired")}
TEXT_FIELDS = ("name", "brand", "model", "shelf", "maker_code")


class ToolFormScreen(KioskScreen):
    roles = STAFF
    tool = DictProperty({})        # the tool being edited; empty when adding
    code = StringProperty("")      # the label: the tool's, a fresh one scanned, or "" to mint one
    category = StringProperty("")
    condition = StringProperty("good")
    status = StringProperty("")
    photo = StringProperty("")     # the saved photo's file
    live = BooleanProperty(True)   # the camera shows live; False once a photo is taken
    taken = BooleanProperty(False)  # a photo was taken here and is not saved yet
    title = StringProperty("")
    code_text = StringProperty("")
    saved = DictProperty({})       # the tool just added: "Add another copy" is offered
    saved_text = StringProperty("")
    saved_name = StringProperty("")

    def setup(self, code: str | None = None, new_code: str | None = None, maker_code: str | None = None,
              copy_of: str | None = None, **_: Any) -> None:
        self.tool = self.service.ledger.tool(code) if code else {}
        self.code = code or new_code or ""
        self.saved = {}
        tool = self.tool or (self.service.ledger.tool(copy_of) if copy_of else {})
        self.copied_photo = tool.get("photo") if copy_of else None  # copies of one model share its photo
        values = {name: str(tool.get(name) or "") for name in TEXT_FIELDS}
        values["loan_days"] = str(tool.get("loan_days") or "")
        values["kit"] = ", ".join(tool.get("kit") or [])
        self.category = tool.get("category") or ""
        self.condition = tool.get("condition") or "good"
        self.status = tool.get("status") or ""
        self.captured = None  # the image taken, kept until saved
        self.taken = False
        self.photo = self.service.photo_path(tool)
        self.live = not self.photo
        for name, value in values.items():
            self.ids[name].text = value
        if maker_code:
            self.use_maker_code(maker_code)

    def refresh(self) -> None:
        self.title = _("Edit: {name}").format(name=self.tool["name"]) if self.tool else _("Add a tool")
        self.code_text = (_("Label: {code}").format(code=self.code) if self.code
                          else _("A new label will be made when you save."))

    def on_enter(self, *_: Any) -> None:
        if self.live:
            self.ids.camera.start(self.app.scans.frame)

    def on_leave(self, *_: Any) -> None:
        self.ids.camera.stop()

    # -- the camera --------------------------------------------------------------------

    def take_photo(self) -> None:
        if not self.live:
            self.live = True
            self.captured = None
            self.taken = False
            self.ids.camera.start(self.app.scans.frame)
            return
        latest = self.app.scans.frame()
        if latest is None:
            self.app.refuse(_("No camera picture to take. Is the camera connected?"))
            return
        self.captured = latest[1].copy()
        self.copied_photo = None
        self.taken = True
        self.ids.camera.stop()
        self.live = False
        self.app.accept()

    # -- scans ------------------------------------------------------------------------------

    def handle_scan(self, scan: Scan) -> bool:
        if scan.fresh == "tool" and not self.tool:
            self.code = scan.text
            self.refresh()
            self.app.accept()
        elif scan.is_maker_code:  # copies of one model share the maker's code
            self.use_maker_code(scan.text)
            self.app.accept()
        elif scan.kind == "tool" and self.tool and scan.tool["code"] == self.tool["code"]:
            self.app.accept()
        elif scan.kind in ("tool", "member"):
            name = (scan.tool or scan.member or {}).get("name", "")
            self.app.refuse(_("That label already belongs to {name}.").format(name=name))
        else:
            self.app.refuse(_("This code is not one of our labels, and not a maker's barcode."))
        return True

    def use_maker_code(self, maker_code: str) -> None:
        self.ids.maker_code.text = maker_code
        match = self.service.catalog_match(maker_code)
        if match is None:
            return
        for name in ("name", "brand", "model"):
            if not self.ids[name].text and match.get(name):
                self.ids[name].text = match[name]
        if not self.category and match.get("category"):
            self.category = match["category"]

    # -- the category tree -------------------------------------------------------------------

    def pick_category(self) -> None:
        picker = CategoryPicker(categories=self.service.categories(), chosen=self.category)
        picker.bind(chosen=lambda _p, value: setattr(self, "category", value))
        picker.open()

    # -- saving ---------------------------------------------------------------------------------

    def fields(self) -> dict[str, Any]:
        values: dict[str, Any] = {name: self.ids[name].text.strip() for name in TEXT_FIELDS}
        days = self.ids.loan_days.text.strip()
        values["loan_days"] = read.loan_days(days, _("Loan days")) if days else None  # InputError when out of range
        values["kit"] = [p.strip() for p in self.ids.kit.text.split(",") if p.strip()] or None
        values["category"] = self.category
        values["condition"] = self.condition
        if self.tool:  # only what changed, so an edit on one kiosk does not overwrite others' fields
            values = {k: v for k, v in values.items() if (v or None) != (self.tool.get(k) or None)}
        return values

    def save(self, with_label: bool = False) -> None:
        try:
            fields = self.fields()
        except read.InputError as exc:
            self.app.refuse(str(exc))
            return
        if not self.tool and not fields.get("name"):
            self.app.refuse(_("Please give the tool a name."))
            return
        if self.copied_photo and self.captured is None:
            fields["photo"] = self.copied_photo
        try:
            tool = self.service.save_tool(self.tool.get("code") or self.code or None, fields, self.captured)
        except LedgerError as exc:
            self.app.refuse(str(exc))
            return
        self.app.request_sync()
        done = _("Saved: {name}").format(name=tool["name"])
        self.saved_text = _("Label: {code}").format(code=tool["code"])
        if with_label:
            self.saved_text += "\n" + print_label(self.app, tool["code"], tool["name"], first=done + ".")
        else:
            self.app.accept(done)
        if self.tool:
            self.app.go(self.app.role)
            return
        self.ids.camera.stop()
        self.photo = self.service.photo_path(tool)
        self.saved = tool
        self.saved_name = tool["name"]

    def add_copy(self) -> None:
        """The form again with the saved tool's fields and no label yet: saving mints a new one."""
        self.setup(copy_of=self.saved["code"])
        self.refresh()
        if self.live:
            self.ids.camera.start(self.app.scans.frame)

    def print_saved(self) -> None:
        tool = self.saved
        self.saved_text = _("Label: {code}").format(code=tool["code"]) + "\n" + print_label(self.app, tool["code"], tool["name"])

    def set_status(self, status: str) -> None:
        tool = self.service.set_tool_status(self.tool["code"], status)
        self.tool = tool
        self.status = tool["status"]
        self.app.request_sync()
        self.app.accept(_("{name} is now: {status}").format(name=tool["name"], status=status_text(tool["status"])))

    def leave(self) -> None:
        self.captured = None
        self.taken = False
        self.tool = {}
        self.saved = {}


class CategoryPicker(ModalView):
    """The category tree as a list to tap, with a field for a new category."""

    categories = ListProperty([])
    chosen = StringProperty("")

    def on_open(self) -> None:
        box = self.ids.tree
        box.clear_widgets()
        for path in self.categories:
            depth = path.count(">")
            button = Factory.CategoryButton(text=path.split(">")[-1].strip(), selected=path == self.chosen)
            button.depth = depth
            button.bind(on_release=lambda _b, p=path: self.choose(p))
            box.add_widget(button)

    def choose(self, path: str) -> None:
        self.chosen = " > ".join(p.strip() for p in path.split(">") if p.strip())
        self.dismiss()
