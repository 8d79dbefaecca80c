"""SMS through an HTTP gateway: a generic JSON webhook, or Twilio's REST API.

The webhook posts ``{"to": ..., "message": ..., "from": ...}`` as JSON (with a
bearer token when one is set), which self-hosted gateways such as an Android
phone running a gateway app accept or can be pointed at through a small
adapter. Twilio gets its form-encoded Messages call with the account's basic
authentication. Both are configured in server.env (``SmsSettings.from_env``).

A send is tried up to ``attempts`` times while the gateway cannot be reached
or answers 429 or 5xx; any other refusal is final. What is sent when is the
reminders' business: they keep to one message per member per day.
"""

from __future__ import annotations

import time
from typing import Callable

import requests

from sync.server.web.config import SmsSettings
from sync.server.web.reminders.channels import DeliveryError


class HttpSmsGateway:
    """Hands each text to the configured gateway; ``send`` returns 'sent' or raises DeliveryError."""

    delivers = True   # a real channel: sign-in codes may go by SMS

    def __init__(self, settings: SmsSettings, *, pause: Callable[[float], None] = time.sleep):
        settings.check()
        self.settings = settings
        self._pause = pause
        self._http = requests.Session()

    def send(self, to: str, text: str) -> str:
        s = self.settings
        last = ""
        for attempt in range(s.attempts):
            if attempt:
                self._pause(min(2 ** attempt, 30))
            try:
                response = self._post(to, text)
            except requests.RequestException as exc:
                last = f"{s.provider}: {type(exc).__name__}: {exc}"
                continue
            if response.status_code < 300:
                return "sent"
            last = f"{s.provider} answered {response.status_code}: {response.text[:200]}"
            if response.status_code != 429 and response.status_code < 500:
                break  # refused for good: a bad number or bad credentials will not improve by retrying
        raise DeliveryError(last)

    def _post(self, to: str, text: str) -> requests.Response:
        s = self.settings
        if s.provider == "twilio":
            return self._http.post(f"{s.url.rstrip('/')}/2010-04-01/Accounts/{s.account}/Messages.json",
                                   data={"To": to, "From": s.sender, "Body": text}, auth=(s.account, s.token),
                                   timeout=s.timeout)
        headers = {"Authorization": f"Bearer {s.token}"} if s.token else {}
        return self._http.post(s.url, json={"to": to, "message": text, "from": s.sender}, headers=headers,
                               timeout=s.timeout)
