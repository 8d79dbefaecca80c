"""The coordinators' menu, with the state of sync in plain words: last sync, changes not sent yet, server."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kivy.properties import StringProperty

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
        self.sync_lines = "\n".join(lines)
        self.conflicts_text = _("Conflicts to settle ({count})").format(count=len(self.service.conflicts()))
        self.overdue_text = _("Overdue ({count})").format(count=len(self.service.ledger.overdue(self.service.today())))

    def handle_scan(self, scan: Scan) -> bool:
        open_scan(self.app, scan)
        return True

    def sync_now(self) -> None:
        self.app.request_sync()
        self.app.accept()


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
