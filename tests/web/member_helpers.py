"""For the member pages' tests: an SMTP server on loopback that catches sign-in messages, and sign-in steps."""

from __future__ import annotations

import re
import threading
from email import message_from_bytes
from email.message import Message
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from aiosmtpd.controller import Controller

from sync.server.web.config import SmtpSettings
from tests.sync.helpers import free_port
from tests.web.helpers import WebClient

LINK = re.compile(r"(https?://\S+/member/signin/link\?t=[A-Za-z0-9_\-]+(?:&next=\S+)?)")
CODE = re.compile(r"\b(\d{6})\b")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        with self._arrived:
            self.messages.append(message_from_bytes(envelope.content))
            self._arrived.notify_all()
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]

    def wait_for(self, address: str, count: int = 1, timeout: float = 20) -> list[Message]:
        """The messages to ``address`` once there are ``count`` of them (sign-in mail leaves after the answer)."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.to(address)) >= count, timeout)
        found = self.to(address)
        assert len(found) >= count, f"{len(found)} messages to {address}, expected {count}"
        return found


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


def smtp_options(inbox: Inbox) -> dict:
    return {"smtp": SmtpSettings(host="127.0.0.1", port=inbox.port, sender="tools@maple.example.org", starttls=False,
                                 timeout=5)}


def body(message: Message) -> str:
    return message.get_payload(decode=True).decode()


def link_and_code(message: Message) -> tuple[str, str]:
    text = body(message)
    return LINK.search(text).group(1), CODE.search(text.split("\n\n", 2)[-1]).group(1)


def from_address(client: WebClient, local_address: str) -> WebClient:
    """The client speaks from another loopback address: another place, as far as the server can tell."""
    client.http.close()
    client.http = httpx.Client(base_url=client.server.url, follow_redirects=False, timeout=30,
                               transport=httpx.HTTPTransport(local_address=local_address))
    return client


def ask_for_link(client: WebClient, address: str, library: str = "maple", next_path: str = "/member/"):
    return client.submit(f"/member/signin?library={library}", "/member/signin",
                         {"library": library, "address": address, "next": next_path})


def follow_link(client: WebClient, link: str):
    """Opens the link from the message, then presses its button, as a person would."""
    parts = urlsplit(link)
    query = dict(parse_qsl(parts.query))
    return client.submit(f"{parts.path}?{parts.query}", "/member/signin/link",
                         {"t": query["t"], "next": query.get("next", "/member/")})


def sign_in(client: WebClient, inbox: Inbox, address: str, library: str = "maple") -> None:
    before = len(inbox.to(address))
    assert ask_for_link(client, address, library).status_code == 200
    link, _code = link_and_code(inbox.wait_for(address, before + 1)[-1])
    response = follow_link(client, link)
    assert response.status_code == 303 and response.headers["location"] == "/member/", response.text
