"""Settings of the web pages: where their files live, cookie and session lifetimes, mail."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from sync.server.web.members.limits import MemberLimits
from sync.server.web.ratelimit import Limits

SMS_PROVIDERS = ("webhook", "twilio")
TWILIO_API = "https://api.twilio.com"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    sender: str = "tools@localhost"
    username: str | None = None
    password: str | None = None
    starttls: bool = True
    timeout: float = 20.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "SmtpSettings | None":
        """From TOOLKIOSK_SMTP_HOST, _PORT, _FROM, _USER, _PASSWORD, _STARTTLS; None without a host."""
        env = dict(os.environ if env is None else env)
        host = env.get("TOOLKIOSK_SMTP_HOST")
        if not host:
            return None
        return cls(host=host, port=int(env.get("TOOLKIOSK_SMTP_PORT", "587")),
                   sender=env.get("TOOLKIOSK_SMTP_FROM", "tools@localhost"),
                   username=env.get("TOOLKIOSK_SMTP_USER") or None, password=env.get("TOOLKIOSK_SMTP_PASSWORD") or None,
                   starttls=env.get("TOOLKIOSK_SMTP_STARTTLS", "1") not in ("0", "false", "no"))


@dataclass(frozen=True)
class SmsSettings:
    provider: str                   # webhook | twilio
    url: str = ""                   # the webhook's address; for Twilio, its API base (tests point it at loopback)
    token: str = ""                 # webhook: bearer token; Twilio: the auth token
    account: str = ""               # Twilio: the account SID
    sender: str = ""                # the number or name messages come from
    attempts: int = 3
    timeout: float = 10.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "SmsSettings | None":
        """TOOLKIOSK_SMS_PROVIDER (webhook | twilio), _URL, _TOKEN, _ACCOUNT, _FROM, _ATTEMPTS; None without a provider."""
        env = dict(os.environ if env is None else env)
        provider = env.get("TOOLKIOSK_SMS_PROVIDER", "").strip().lower()
        if not provider:
            return None
        if provider not in SMS_PROVIDERS:
            raise ValueError(f"TOOLKIOSK_SMS_PROVIDER must be one of {', '.join(SMS_PROVIDERS)}, not {provider!r}")
        settings = cls(provider=provider, url=env.get("TOOLKIOSK_SMS_URL", TWILIO_API if provider == "twilio" else ""),
                       token=env.get("TOOLKIOSK_SMS_TOKEN", ""), account=env.get("TOOLKIOSK_SMS_ACCOUNT", ""),
                       sender=env.get("TOOLKIOSK_SMS_FROM", ""), attempts=int(env.get("TOOLKIOSK_SMS_ATTEMPTS", "3")))
        settings.check()
        return settings

    def check(self) -> None:
        if not 1 <= self.attempts <= 10:
            raise ValueError("TOOLKIOSK_SMS_ATTEMPTS must be from 1 to 10")
        if not self.url.startswith(("http://", "https://")):
            raise ValueError("TOOLKIOSK_SMS_URL must be an http:// or https:// address")
        if self.provider == "twilio" and not (self.account and self.token and self.sender):
            raise ValueError("Twilio needs TOOLKIOSK_SMS_ACCOUNT, TOOLKIOSK_SMS_TOKEN and TOOLKIOSK_SMS_FROM")


@dataclass
class WebConfig:
    data_dir: Path                           # the read models, a cache of the log; on SQLite also web.db
    database_url: str | None = None          # the server's PostgreSQL, where the pages' tables then live
    secret_key: str = ""                     # empty: the one kept in the pages' tables, made once
    prefix: str = "/web"
    cookie_secure: bool = True               # False only for plain-HTTP development
    session_max_age: int = 12 * 3600
    idle_timeout: int = 2 * 3600
    login_limits: Limits = field(default_factory=Limits)
    member_limits: MemberLimits = field(default_factory=MemberLimits)
    smtp: SmtpSettings | None = None
    sms: SmsSettings | None = None           # an HTTP SMS gateway (reminders/sms_http.py); None: SMS are only logged
    public_url: str = ""                     # e.g. https://tools.example.org, for links in messages (TOOLKIOSK_PUBLIC_URL)
    now: Callable[[], float] = time.time     # seconds since the epoch; tests move it

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)

    def today(self) -> date:
        return datetime.fromtimestamp(self.now()).date()


def legacy_secret(data_dir: Path) -> str | None:
    """The cookie key older versions kept in a file, so their sessions survive the move into the database."""
    path = Path(data_dir) / "web-secret.key"
    return (path.read_text().strip() or None) if path.exists() else None
