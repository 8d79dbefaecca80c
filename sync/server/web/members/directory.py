"""Finding a library and a member for the member pages, by slug and by the address on their record."""

from __future__ import annotations

from kiosk.ledger.codes import LIBRARY_SLUG
from sync.server.web.members.tokens import Address, phone_key
from sync.server.web.state import WebState

MOST_MEMBERS_PER_ADDRESS = 3   # a family sharing one address gets a link for each card, up to this


def pick_library(state: WebState, slug: str) -> str | None:
    """The library asked for, or the only one when the server hosts one; None when unknown or unclear."""
    libraries = state.source.libraries()
    if slug:
        return slug if LIBRARY_SLUG.match(slug) and slug in libraries else None
    return libraries[0] if len(libraries) == 1 else None


def sms_ready(state: WebState) -> bool:
    """Whether the server can really send an SMS (a gateway that only logs cannot carry a sign-in code)."""
    return bool(getattr(state.sms, "delivers", False))


def find_by_address(state: WebState, library: str, address: Address) -> list[tuple[str, str]]:
    """(card code, address as on the record) of members (not suspended) with this address."""
    view = state.views.get(library)
    if address.kind == "email":
        rows = view.query("""SELECT code, email FROM members WHERE library = ? AND name IS NOT NULL AND lower(email) = ?
                             AND COALESCE(status, 'active') != 'suspended' ORDER BY code LIMIT ?""",
                          (library, address.value, MOST_MEMBERS_PER_ADDRESS))
        return [(r["code"], r["email"]) for r in rows]
    rows = view.query("""SELECT code, phone FROM members WHERE library = ? AND name IS NOT NULL AND phone IS NOT NULL
                         AND COALESCE(status, 'active') != 'suspended' ORDER BY code""", (library,))
    return [(r["code"], r["phone"]) for r in rows if phone_key(r["phone"]) == address.value][:MOST_MEMBERS_PER_ADDRESS]
