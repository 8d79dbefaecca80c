"""Where reminders go: email over SMTP, and SMS through the ``SmsGateway`` interface.

``reminders.sms_http.HttpSmsGateway`` sends through a webhook or Twilio when
server.env configures one; without, ``LoggingSmsGateway`` records the text it
would send.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

from sync.server.web.config import SmtpSettings

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A message that could not be handed over; the reason goes to the reminder log."""


class EmailSender:
    def __init__(self, settings: SmtpSettings):
        self.settings = settings

    def build(self, to: str, subject: str, body: str, *, reply_to: str = "", sender_name: str = "") -> EmailMessage:
        message = EmailMessage()
        message["From"] = f"{sender_name} <{self.settings.sender}>" if sender_name else self.settings.sender
        message["To"] = to
        message["Subject"] = subject.strip()
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain=self.settings.sender.rpartition("@")[2] or None)
        if reply_to:
            message["Reply-To"] = reply_to
        message["Auto-Submitted"] = "auto-generated"  # asks mail servers not to auto-reply
        message.set_content(body)
        return message

    def send(self, message: EmailMessage) -> None:
        s = self.settings
        try:
            with smtplib.SMTP(s.host, s.port, timeout=s.timeout) as smtp:
                if s.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if s.username:
                    smtp.login(s.username, s.password or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP {s.host}:{s.port}: {exc}") from None


class SmsGateway(Protocol):
    def send(self, to: str, text: str) -> str:
        """Hands the text over; returns the status for the log ('sent' or 'logged')."""


class LoggingSmsGateway:
    """Builds the SMS and logs it; sends nothing."""

    def __init__(self) -> None:
        self.outbox: list[tuple[str, str]] = []

    def send(self, to: str, text: str) -> str:
        self.outbox.append((to, text))
        log.info("SMS to %s (not sent, no gateway configured): %s", to, text)
        return "logged"


def deliver(email: EmailSender | None, sms: SmsGateway, channel: str, recipient: str, subject: str | None, body: str,
            *, reply_to: str = "", sender_name: str = "") -> tuple[str, str | None]:
    """Hands one message to its channel; returns its status for the log and the error, if any."""
    try:
        if channel == "sms":
            return sms.send(recipient, body), None
        if email is None:
            return "failed", "no SMTP server is configured (TOOLKIOSK_SMTP_HOST)"
        email.send(email.build(recipient, subject or "", body, reply_to=reply_to, sender_name=sender_name))
        return "sent", None
    except DeliveryError as exc:
        return "failed", str(exc)
    except Exception as exc:  # one message that cannot even be built (a bad address) never stops the others
        log.exception("a %s message to %r could not be sent", channel, recipient)
        return "failed", f"could not send to {recipient!r}: {exc}"
