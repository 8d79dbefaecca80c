"""An online sign-up checked field by field, and the pending member it becomes.

Bots are kept out without third parties: a signed timestamp in the form (a
person takes a few seconds to fill it in, and not hours), a honeypot field
people never see, and a cap on sign-ups per client address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from kiosk.ledger import codes, rules
from kiosk.ledger.codes import new_device_part
from sync.server.web.members.tokens import PHONE, parse_address

NAME_MAX = 100
HONEYPOT = "website"


@dataclass
class Checked:
    values: dict[str, str]
    errors: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)   # field -> (message, values)
    form_error: str = ""


def waiver_for(settings: dict[str, Any], lang: str) -> tuple[str, str | None]:
    """The waiver in the member's language when the library has it, and that language
    (None: the library's one text, in whatever language it was written)."""
    text = (settings.get("waiver_texts") or {}).get(lang)
    if text:
        return text, lang
    return settings.get("waiver_text") or rules.DEFAULT_SETTINGS["waiver_text"], None


def _signer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt="toolkiosk-signup-started")


def started_token(secret: str, now: float) -> str:
    """When the form was handed out, signed so it cannot be made up."""
    return _signer(secret).dumps(round(now, 1))


def check(form: dict[str, str], secret: str, now: float, least_seconds: int, most_seconds: int) -> Checked:
    values = {k: form.get(k, "").strip() for k in ("name", "email", "phone", "language")}
    checked = Checked(values)
    try:
        started = float(_signer(secret).loads(form.get("started", "")))
    except (BadSignature, TypeError, ValueError):
        started = None
    if started is None:
        checked.form_error = "This form has expired or did not come from this site. Go back, reload the page and try again."
    elif now - started < least_seconds:
        checked.form_error = "That was quicker than a person fills in a form. Please wait a few seconds and send it again."
    elif now - started > most_seconds:
        checked.form_error = "This form is too old. Please fill it in again."
    if form.get(HONEYPOT):
        checked.errors[HONEYPOT] = ("Leave this empty", {})
    if not values["name"] or len(values["name"]) > NAME_MAX:
        checked.errors["name"] = ("Please give your name (up to {most} characters).", {"most": NAME_MAX})
    email = parse_address(values["email"])
    if email is None or email.kind != "email":
        checked.errors["email"] = ("Please give an e-mail address like name@example.org.", {})
    if values["phone"] and not PHONE.match(values["phone"]):
        checked.errors["phone"] = ("That mobile number does not look right; use digits, spaces and an optional +.", {})
    if values["language"] not in ("en", "es"):
        checked.errors["language"] = ("Please choose English or Spanish.", {})
    if form.get("waiver") != "accepted":
        checked.errors["waiver"] = ("Please accept the waiver to sign up.", {})
    return checked


def member_fields(checked: Checked, settings: dict[str, Any], waiver_language: str | None, today: date) -> dict[str, Any]:
    v = checked.values
    fields = {"name": v["name"], "email": v["email"], "language": v["language"],
              "status": "active" if settings.get("signup") == "at_once" else "pending",
              "waiver_version": settings.get("waiver_version") or rules.DEFAULT_SETTINGS["waiver_version"],
              "waiver_accepted_at": today.isoformat(),
              "expires": (today + timedelta(days=int(settings.get("membership_days") or 365))).isoformat(),
              "reminders_email": 1}
    if v["phone"]:
        fields["phone"] = v["phone"]
    if waiver_language:
        fields["waiver_language"] = waiver_language
    return fields


def new_member_code(library: str) -> str:
    """A card code no kiosk mints: a random device part of its own, as a new kiosk would have."""
    return codes.mint_code(library, "member", new_device_part(), 1)
