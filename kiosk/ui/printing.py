"""Printing a tool's label or a member's card from a staff screen, and saying what really happened:
saved only (no printer is set up), sent to the printer, or the printer's error."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock

from kiosk.ui.i18n import N_, _

# what -> (no printer, sending, the printer took it, the printer failed)
WORDS = {
    "label": (N_("Label saved; no printer is set up."), N_("Printing the label…"),
              N_("The label went to the printer."), N_("The label did not print: {error}")),
    "card": (N_("Card saved; no printer is set up."), N_("Printing the card…"),
             N_("The card went to the printer."), N_("The card did not print: {error}")),
}


def print_label(app: Any, code: str, name: str, *, what: str = "label", first: str = "") -> str:
    """Prints the label of ``code`` and shows ``first`` (e.g. "Saved: Tile saw.") with what became
    of it; the printer's answer follows in its own banner. Returns what became of it, in words."""
    saved, sending, done, failed = WORDS[what]

    def printed(error: str | None) -> None:  # on the printing thread
        Clock.schedule_once(lambda _dt: app.refuse(_(failed).format(error=error)) if error else app.accept(_(done)))

    job = app.service.print_label(code, name, printed)
    outcome = _(sending) if job.sent else _(saved)
    app.accept(f"{first} {outcome}" if first else outcome)
    return outcome
