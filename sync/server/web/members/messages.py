"""The sign-in message: by e-mail, or by SMS for a phone number, in the visitor's language."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from sync.server.web.members import words
from sync.server.web.members.tokens import Address
from sync.server.web.reminders.channels import deliver
from sync.server.web.state import WebState

log = logging.getLogger(__name__)


def send_sign_in(state: WebState, library: str, address: Address, links: list[tuple[str, str, str]], base: str,
                 lang: str, next_path: str) -> None:
    """One message per card at that address: (address on the record, link token, code). Runs after the answer went."""
    t = words.translator(lang)
    name = state.library_name(library)
    for recipient, token, code in links:
        query = {"t": token, **({"next": next_path} if next_path != "/member/" else {})}
        link = f"{base}/member/signin/link?{urlencode(query)}"
        if address.kind == "email":
            subject = t("Your sign-in link for {library}", library=name)
            body = t("Hello,\n\nUse this link to sign in to {library} (it works once, for 15 minutes):\n{link}\n\n"
                     "Or type this code: {code}\n\nIf you did not ask for it, ignore this message.\n",
                     library=name, link=link, code=code)
            status, error = deliver(state.email, state.sms, "email", recipient, subject, body, sender_name=name)
        else:
            body = t("{library}: your sign-in code is {code} (15 minutes). {link}", library=name, code=code, link=link)
            status, error = deliver(state.email, state.sms, "sms", recipient, None, body)
        if status == "failed":
            log.warning("sign-in message for %s not sent: %s", library, error)
