"""The coordinators' menu, with the state of sync in plain words: last sync, changes not sent yet, server."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kivy.properties import StringProperty

from kiosk.ledger.clock import DAY_MS
from kiosk.ui.i18n import _
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.volunteer import open_scan
from kiosk.ui.service import Scan


class CoordinatorScreen(KioskScreen):
    roles = ("coordinator",)
    sync_lines = StringProperty("")
    conflicts_text = StringProperty("")
    overdue_text = StringProperty("")

    def refresh(self) -> None:
        status = self.app.sync_status
        waiting = status.waiting if status is not None and status.waiting is not None else self.service.outbox_size()
        lines = [self.app.sync_text]
        if status is not None and status.enrolled:
            lines.append(_("Every change is on the server.") if not waiting else
                         (_("1 change not sent to the server yet") if waiting == 1 else
                          _("{count} changes not sent to the server yet").format(count=waiting)))
        if status is not None and status.last_sync:
            lines.append(_("Last sync: {when}").format(when=_when(status.last_sync)))
        elif status is None or not status.enrolled:
            lines.append(_("This kiosk is not connected to a server."))
        if status is not None and status.server:
            lines.append(_("Server: {server}").format(server=status.server))
        if status is not None and status.error:
            lines.append(_("Last error: {error}").format(error=status.error))
        if status is not None and status.clock_ahead_ms:
            lines.extend(clock_ahead_lines(status.clock_ahead_ms))
        self.sync_lines = "\n".join(lines)
        self.conflicts_text = _("Conflicts to settle ({count})").format(count=len(self.service.conflicts()))
        self.overdue_text = _("Overdue ({count})").format(count=len(self.service.ledger.overdue(self.service.today())))

    def handle_scan(self, scan: Scan) -> bool:
        open_scan(self.app, scan)
        return True

    def sync_now(self) -> None:
        self.app.request_sync()
        self.app.accept()


def clock_ahead_lines(ahead_ms: int) -> list[str]:
    """What a coordinator should know when the server found this kiosk's clock running ahead."""
    years, days = ahead_ms // (365 * DAY_MS), ahead_ms // DAY_MS
    if years >= 2:
        first = _("This kiosk's clock runs {count} years ahead of the server's.").format(count=years)
    elif days >= 2:
        first = _("This kiosk's clock runs {count} days ahead of the server's.").format(count=days)
    else:
        first = _("This kiosk's clock runs ahead of the server's.")
    return [first, _("Dates here follow the server's time. Set the clock right: changes stamped ahead are refused.")]


def _when(value: Any) -> str:
    """A sync time from the status (a datetime, epoch seconds or ISO text) as a short local time."""
    if isinstance(value, (int, float)):
        value = datetime.fromtimestamp(value)
    elif isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if value.tzinfo is not None:
        value = value.astimezone()
    return value.strftime("%Y-%m-%d %H:%M")
