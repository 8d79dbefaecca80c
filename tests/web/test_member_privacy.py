"""No page reachable without a coordinator login shows any member's name, contact, card or loans,
except the signed-in member's own: every GET route of the whole application (the public catalog's and
the member pages' included, whichever module adds them) is asked, with every id the test data has."""

from __future__ import annotations

import itertools
import re

import pytest
from fastapi.routing import APIRoute

from tests.web.conftest import sync
from tests.web.member_helpers import inbox, sign_in, smtp_options  # noqa: F401 (fixtures)

PARAM = re.compile(r"{([^}:]+)(?::[^}]+)?}")


@pytest.fixture
def web_options(inbox) -> dict:
    return smtp_options(inbox)


def _personal(ledger, exclude: str | None = None) -> dict[str, str]:
    """Every member's name, e-mail, phone and card code (but ``exclude``'s), each labelled."""
    found = {}
    for m in ledger._query("SELECT * FROM members WHERE name IS NOT NULL"):
        if m["code"] == exclude:
            continue
        for field in ("name", "email", "phone", "code"):
            if m[field]:
                found[m[field]] = f"{m['code']}.{field}"
    return found


def _leaks(text: str, private: dict[str, str]) -> list[str]:
    """Labels of the private values in ``text``; a value counts as a whole word (a card "M2" is not in "MT2")."""
    return sorted(label for value, label in private.items()
                  if re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", text))


def _get_routes(routes, prefix: str = ""):
    """Every GET route's path, through included routers (which newer FastAPI keeps as they were included)."""
    for route in routes:
        if isinstance(route, APIRoute):
            if "GET" in route.methods:
                yield prefix + route.path
        elif hasattr(route, "original_router"):
            yield from _get_routes(route.original_router.routes, prefix + route.include_context.prefix)


def _paths(app, values: dict[str, list[str]]) -> list[str]:
    paths = []
    for route_path in _get_routes(app.routes):
        if route_path.startswith("/web/"):
            continue  # the coordinators' pages need a login (test_security checks that)
        names = PARAM.findall(route_path)
        for combo in itertools.product(*(values.get(n, values["any"]) for n in names)):
            path = route_path
            for name, value in zip(names, combo):
                path = PARAM.sub(value, path, count=1)
            paths.append(path)
    return paths


def test_no_page_without_a_coordinator_login_shows_another_members_data(maple, elm, oak, web, client, inbox):
    maple.place_hold("M2", "MT1")
    sync(maple)
    ids = [r["id"] for r in maple._query("SELECT id FROM loans")] + [h["id"] for h in maple.holds()]
    codes = [m["code"] for m in maple.list_members()] + ["E1", "O1"]
    tools = [t["code"] for t in maple._query("SELECT code FROM tools")] + ["ET1", "OT1"]
    values = {"any": ids[:4] + codes + tools[:3] + ["maple", "elm"], "loan_id": ids, "hold_id": ids, "code": codes + tools,
              "library": ["maple", "elm", "oak"], "slug": ["maple", "elm", "oak"], "tool": tools, "member": codes}
    paths = _paths(web.app, values)
    assert "/member/" in paths and "/member/card" in paths
    anonymous = client()
    ana = client()
    sign_in(ana, inbox, "ana.lopez@example.org")
    private_to_anyone = {**_personal(maple), **_personal(elm), **_personal(oak)}
    private_to_ana = {**_personal(maple, exclude="M1"), **_personal(elm), **_personal(oak)}
    seen_own = False
    for who, visitor, private in (("anonymous", anonymous, private_to_anyone), ("Ana", ana, private_to_ana)):
        for path in paths:
            for query in ("", "?q=a", "?lang=es"):
                response = visitor.get(path + query)
                text = response.text
                leaks = _leaks(text, private)
                assert leaks == [], f"{who} sees {leaks} at {path + query} ({response.status_code})"
                seen_own |= who == "Ana" and "Ana Lopez" in text
    assert seen_own, "the signed-in member does see her own record"
