"""Per-form CSRF tokens: an HMAC of the form's path under a secret bound to the visitor.

A signed-in visitor's secret is their session's; before signing in, it is a
random value in a short-lived signed cookie, so the login form is protected
too. A token made for one form is refused by every other form.
"""

from __future__ import annotations

import hashlib
import hmac


def token(secret: str, form_path: str) -> str:
    return hmac.new(secret.encode(), f"form:{form_path}".encode(), hashlib.sha256).hexdigest()


def valid(secret: str | None, form_path: str, submitted: str | None) -> bool:
    if not secret or not submitted:
        return False
    return hmac.compare_digest(token(secret, form_path), submitted)
