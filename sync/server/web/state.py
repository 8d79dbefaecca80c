"""Everything the pages share while the server runs, built once by ``mount_web``."""

from __future__ import annotations

from sync.server.web.config import WebConfig, legacy_secret
from sync.server.web.db import open_web_db
from sync.server.web.members.msessions import MemberSessions
from sync.server.web.members.store import create_tables as create_member_tables
from sync.server.web.ratelimit import LoginThrottle
from sync.server.web.reminders.channels import EmailSender, LoggingSmsGateway, SmsGateway
from sync.server.web.reminders.sms_http import HttpSmsGateway
from sync.server.web.sessions import Sessions
from sync.server.web.source import EventSource
from sync.server.web.views import Views


class WebState:
    def __init__(self, source: EventSource, config: WebConfig, *, sms: SmsGateway | None = None):
        self.source = source
        self.config = config
        self.db = open_web_db(config.data_dir / "web.db", config.database_url)
        if not config.secret_key:  # shared by every server process, so a cookie signed by one is good at all
            config.secret_key = self.db.secret("cookie-key", legacy_secret(config.data_dir))
        self.views = Views(config.data_dir / "views", source, config.today)
        self.sessions = Sessions(self.db, config.secret_key, max_age=config.session_max_age,
                                 idle_timeout=config.idle_timeout, now=config.now)
        self.throttle = LoginThrottle(self.db, config.login_limits, config.now)
        self.email = EmailSender(config.smtp) if config.smtp else None
        self.sms: SmsGateway = sms or (HttpSmsGateway(config.sms) if config.sms else LoggingSmsGateway())
        create_member_tables(self.db)
        self.member_sessions = MemberSessions(self.db, config.secret_key, config.now)
        self.member_limits = config.member_limits

    def library_name(self, library: str) -> str:
        return self.source.library_name(library) or library

    def close(self) -> None:
        self.views.close()
        self.db.close()
