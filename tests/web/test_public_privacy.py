"""No page anyone can reach without a login shows a member's name, contact, code or loans.

The crawl starts at the front address and follows every link of this site
that needs no login, in both languages, with partners' tools switched on and
tools out on loan, waited for and on the hold shelf.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from tests.web.public_fixtures import MEMBER_SECRETS, set_public, shelves, visitor  # noqa: F401

LINK = re.compile(r'(?:href|src|action)="([^"]+)"')
LOGIN_AREAS = ("/web/", "/member/")   # the coordinators' and the members' own pages start from a login


def crawl(visitor, start: str, headers: dict) -> dict[str, str]:
    """Every public page reachable from ``start``: path -> body."""
    seen: dict[str, str] = {}
    todo = [start]
    while todo:
        path = todo.pop()
        if path in seen or len(seen) > 400:
            continue
        response = visitor.get(path, headers=headers)
        seen[path] = response.text if "text/html" in response.headers.get("content-type", "") else ""
        for link in LINK.findall(seen[path]):
            target = urljoin(path, link.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc or parts.path.startswith(LOGIN_AREAS) or parts.path.startswith("/language/"):
                continue
            todo.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


def test_no_public_page_shows_any_members_data(shelves, web, visitor):
    set_public(web, "maple", show_partners=True)
    codes = ["M1", "M2", "M3", "E1", "O1"]   # every member code of the fixtures' libraries
    for language in ("en", "es"):
        pages = crawl(visitor, "/", {"Accept-Language": language})
        visited = set(pages)
        assert {"/catalog/maple", "/catalog/maple/tools/MT1", "/catalog/maple/tools/MT4",
                "/catalog/oak", "/catalog/elm"} <= visited, sorted(visited)
        searched = crawl(visitor, "/catalog/maple?q=oak", {"Accept-Language": language})
        assert "/catalog/maple/partners/oak/tools/OT1" in searched
        pages.update(searched)
        for path, text in pages.items():
            for secret in MEMBER_SECRETS:
                assert secret not in text, (path, secret)
            for code in codes:
                assert not re.search(rf"\b{re.escape(code)}\b", text), (path, code)
            assert "loan:" not in text and "hold:" not in text


def test_the_coordinators_and_members_pages_stay_behind_their_logins(shelves, visitor):
    front = visitor.get("/").text
    assert 'href="/web/login"' in front and 'href="/member/signin"' in front
    response = visitor.get("/web/members")
    assert response.status_code == 303 and response.headers["location"].startswith("/web/login")
