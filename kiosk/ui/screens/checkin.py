"""A tool on loan scanned with no card: it is returned, with a few questions.

A kit's parts come first, each here or missing; then how the tool is; a tool
that needs repair says what is wrong, which goes into its notes for the
volunteer who mends it. Back steps through the questions. The return is
written when they are answered. Leaving without an answer (Home, another
scan, idling) still returns it, as "ok" with a note, since the tool is back
on the counter either way.
"""

from __future__ import annotations

from typing import Any, Callable

from kivy.properties import BooleanProperty, DictProperty, OptionProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ledger.events import PROBLEM_MAX_LENGTH
from kiosk.ui.i18n import N_, _, translate
from kiosk.ui.messages import copy_text
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.service import Scan

UNANSWERED_NOTE = "returned without a condition answer"
PROBLEMS = (N_("It does not work"), N_("It is damaged or broken"), N_("It is blunt or worn"), N_("Something else"))
TYPED_MAX_LENGTH = PROBLEM_MAX_LENGTH - 50  # the ledger's limit, less room for the choice written before it


class PartRow(BoxLayout):
    """One part of a kit: here or missing."""

    part = StringProperty("")
    answer = StringProperty("")  # "", "here" or "missing"


class CheckinScreen(KioskScreen):
    tool = DictProperty({})
    photo = StringProperty("")
    greeting = StringProperty("")
    copy = StringProperty("")
    has_kit = BooleanProperty(False)
    step = OptionProperty("condition", options=["parts", "condition", "repair"])
    parts_answered = BooleanProperty(False)
    parts_missing = BooleanProperty(False)
    problem = StringProperty("")      # the chosen one of PROBLEMS
    done = BooleanProperty(False)

    def setup(self, tool: dict[str, Any] | None = None, then: dict[str, Any] | None = None, **_: Any) -> None:
        """``then``: the screen to go back to afterwards (a member's session), as go() arguments with its name."""
        self.tool = tool or {}
        self.then = dict(then or {})
        self.has_kit = bool(self.tool.get("kit"))
        self.step = "parts" if self.has_kit else "condition"
        self.answers: dict[str, str] = {}
        self.problem = ""
        self.ids.problem_text.text = ""
        self.done = False
        self._fill_parts()
        self.app.accept()

    def refresh(self) -> None:
        self.photo = self.service.photo_path(self.tool)
        photo = self.ids.photo  # no grey "No photo" box: the questions need the room
        photo.size_hint = ((1, 0.4) if self.app.portrait else (0.28, 1)) if self.photo else (None, None)
        photo.opacity = 1 if self.photo else 0
        if not self.photo:
            photo.size = (0, 0)
        self.greeting = _("Thank you for bringing back the {name}.").format(name=self.tool.get("name", ""))
        self.copy = copy_text(self.tool)

    # -- the kit's parts -------------------------------------------------------------------

    def _fill_parts(self) -> None:
        box = self.ids.parts
        box.clear_widgets()
        for part in self.tool.get("kit") or []:
            row = PartRow(part=part, answer=self.answers.get(part, ""))
            row.bind(answer=self._part_answered)
            box.add_widget(row)
        self.ids.parts_scroll.scroll_y = 1
        self._part_answered()

    def _part_answered(self, row: PartRow | None = None, answer: str = "") -> None:
        if row is not None:
            self.answers[row.part] = answer
        parts = self.tool.get("kit") or []
        self.parts_answered = all(self.answers.get(p) for p in parts)
        self.parts_missing = any(self.answers.get(p) == "missing" for p in parts)

    def parts_done(self) -> None:
        if not self.parts_answered:
            return
        missing = [p for p in self.tool.get("kit") or [] if self.answers.get(p) == "missing"]
        if missing:
            self._finish("missing-parts", missing)
        else:
            self.step = "condition"

    # -- the answers -------------------------------------------------------------------------

    def answer(self, condition: str) -> None:
        """From "How is it?": ok, repair (asks what is wrong first) or missing-parts."""
        if condition == "repair":
            self.step = "repair"
        else:
            self._finish(condition, [])

    def repair_done(self) -> None:
        typed = self.ids.problem_text.text.strip()
        if not (self.problem or typed):
            return
        lang = self.service.local("language")  # the volunteers' language, not the borrower's
        words = [translate(self.problem, lang)] if self.problem else []
        self._finish("repair", [], problem=": ".join(words + ([typed] if typed else [])))

    def back(self) -> None:
        if self.step == "repair":
            self.step = "condition"
        elif self.step == "condition" and self.has_kit:
            self.step = "parts"
        else:
            self._go_on()

    def _finish(self, condition: str, missing: list[str], problem: str | None = None) -> None:
        hold = self._record(condition, missing, problem=problem)
        if hold:  # someone waits for it: the hold shelf, not the open shelf
            self.app.go("hold_slip", hold=hold, then=self.then)
        else:
            self._go_on()
        self.app.accept(_("Returned. Thank you!"), sound="returned")

    def _go_on(self) -> None:
        then = dict(self.then)
        if then:
            self.app.go(then.pop("name"), **then)
        else:
            self.app.go_home()

    def _record(self, condition: str, missing: list[str], note: str | None = None,
                problem: str | None = None) -> dict[str, Any] | None:
        """Writes the return; the hold the tool is now set aside for, if any."""
        if self.done or not self.tool:
            return None
        self.done = True
        result = self.service.checkin(self.tool["code"], condition, missing, note, problem=problem)
        self.app.request_sync()
        return result["hold"]

    def handle_scan(self, scan: Scan) -> bool:
        self.leave()
        return False

    def may_leave(self, destination: str, then: Callable[[], Any]) -> bool:
        """Home in the middle of a member's session goes back to it first, which asks about its basket."""
        if destination == "home" and self.then.get("basket"):
            session = dict(self.then)
            return self.app.go(session.pop("name"), force=True, **session).may_leave(destination, then)
        return True

    def unfinished(self) -> str:
        if not self.then.get("basket"):
            return ""
        return self.app.screens[self.then["name"]].unfinished_basket(self.then["code"], self.then["basket"])

    def leave(self) -> None:
        if self.tool and not self.done:
            self._record("ok", [], UNANSWERED_NOTE)
        self.tool = {}
        self.app.stop_typing()
