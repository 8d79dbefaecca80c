"""Settings of the web pages: where their files live, cookie and session lifetimes, mail."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from sync.server.web.ratelimit import Limits


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
    smtp: SmtpSettings | None = None
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
