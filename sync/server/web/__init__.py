"""Coordinators' web pages and members' reminders, served by the sync server.

    from sync.server.web import WebConfig, mount_web
    mount_web(app, source, WebConfig(data_dir=data_dir))

``source`` is the sync storage seen through ``sync.server.web.source.EventSource``.
"""

from sync.server.web.config import SmtpSettings, WebConfig
from sync.server.web.mount import mount_web

__all__ = ["SmtpSettings", "WebConfig", "mount_web"]
