"""The public catalog over HTTP: the front address, search with accents, categories, a tool's availability,
partners' tools, the library's switch, cache validators and languages."""

from __future__ import annotations

import hashlib
import re

import pytest

from sync.server import open_storage
from sync.server.storage import Device
from sync.server.web.public.i18n import long_date
from tests.web.conftest import MAPLE_COORDINATOR, TODAY, sync
from tests.sync.helpers import new_kiosk, pg_reachable, pg_schema_url
from tests.web.helpers import Clock, WebClient, WebServer
from tests.web.public_fixtures import set_public, shelves, visitor  # noqa: F401

NAMES = re.compile(r'<span class="name">([^<]+)</span>')


def names(html: str) -> list[str]:
    return NAMES.findall(html)


def test_the_front_address_lists_the_libraries_with_the_sign_in_links(web, visitor):
    front = visitor.get("/")
    assert front.status_code == 200
    for name in ("Maple Street Tool Library", "Oak Lane Tools", "Elm Court Library"):
        assert name in front.text
    assert 'href="/member/signin"' in front.text and 'href="/web/login"' in front.text
    assert visitor.get("/member/signin").status_code == 200   # the link leads to the members' sign-in
    assert "Member sign-in" in front.text and "Coordinators" in front.text
    set_public(web, "elm", enabled=False)
    assert "Elm Court Library" not in visitor.get("/").text


def test_a_server_with_one_library_shows_its_catalog_at_the_front(tmp_path):
    storage = open_storage(tmp_path / "one")
    storage.add_library("solo", "Solo Tools")
    try:
        with WebServer(storage, tmp_path / "web", Clock()) as server:
            ledger = new_kiosk(tmp_path / "kiosk", storage, server.url, "solo")
            ledger.add_tool("S1", "Wheelbarrow", category="Garden")
            sync(ledger)
            c = WebClient(server)
            front = c.get("/")
            assert front.status_code == 200 and "Solo Tools" in front.text and names(front.text) == ["Wheelbarrow"]
            assert 'action="/catalog/solo"' in front.text
            assert names(c.get("/?q=wheel").text) == ["Wheelbarrow"]
            c.close()
            ledger.close()
    finally:
        storage.close()


def test_search_ignores_accents_and_case_and_reads_descriptions_and_kits(shelves, visitor):
    for query in ("sierra", "SIERRA", "sierrá", "Sierra de calar", "sie cal", "bateria", "plastico", "bosch"):
        assert names(visitor.get("/catalog/maple", params={"q": query}).text) == ["Sierra de calar"], query
    assert names(visitor.get("/catalog/maple", params={"q": "cepillo"}).text) == ["Cepíllo eléctrico"]
    nothing = visitor.get("/catalog/maple", params={"q": "submarine"})
    assert nothing.status_code == 200 and names(nothing.text) == [] and "No tool matches" in nothing.text
    assert names(visitor.get("/catalog/maple", params={"q": "***"}).text) == []


def test_browse_by_category_includes_sub_categories(shelves, visitor):
    home = visitor.get("/catalog/maple").text
    assert "Browse by category" in home and "?category=Power%20tools\"" in home
    assert "?category=Power%20tools%20%3E%20Saws" not in home          # the top of the tree first...
    inside = visitor.get("/catalog/maple", params={"category": "Power tools"}).text
    assert "?category=Power%20tools%20%3E%20Saws" in inside            # ...then what is inside it
    power = names(inside)
    assert sorted(power) == ["Angle grinder", "Cepíllo eléctrico", "Cordless drill", "Sierra de calar"]
    assert names(visitor.get("/catalog/maple", params={"category": "Power tools > Saws"}).text) == ["Sierra de calar"]
    both = names(visitor.get("/catalog/maple", params={"category": "Power tools", "q": "drill"}).text)
    assert both == ["Cordless drill"]


def test_a_tool_page_says_what_it_is_where_it_sits_and_whether_it_is_in(shelves, visitor):
    saw = visitor.get("/catalog/maple/tools/MT8").text
    for shown in ("Sierra de calar", "Cortes curvos en madera", "batería", "3 hojas", "B2", "5 days", "Bosch PST 700",
                  ">In<"):
        assert shown in saw, shown
    drill = visitor.get("/catalog/maple/tools/MT1").text
    due = shelves.loans(tool_code="MT1")[0]["due"]
    assert f"Out, due back around {long_date(due, 'en', TODAY)}" in drill and "1 person waiting" in drill
    assert "On the hold shelf" in visitor.get("/catalog/maple/tools/MT4").text
    ladder = visitor.get("/catalog/maple/tools/MT3").text
    assert "3 days" in ladder                       # its own loan period
    assert "7 days" in visitor.get("/catalog/maple/tools/MT2").text   # the library's default
    listing = visitor.get("/catalog/maple", params={"q": "drill"}).text
    assert "Out, due back around" in listing and "1 person waiting" in listing
    assert visitor.get("/catalog/maple/tools/NOPE").status_code == 404
    assert visitor.get("/catalog/maple/tools/ET1").status_code == 404   # elm's chainsaw is not maple's


def test_partner_tools_appear_only_where_the_library_allows_it(shelves, web, client, visitor):
    assert names(visitor.get("/catalog/maple", params={"q": "oak"}).text) == []
    assert visitor.get("/catalog/maple/partners/oak/tools/OT1").status_code == 404
    coordinator = client(MAPLE_COORDINATOR)
    assert coordinator.submit("/web/public-catalog", "/web/public-catalog",
                              {"enabled": "on", "show_partners": "on"}).status_code == 303
    found = visitor.get("/catalog/maple", params={"q": "oak"}).text
    assert sorted(names(found)) == ["Oak floor sander", "Oak log splitter"]
    assert "At Oak Lane Tools: ask at the counter" in found and "/catalog/maple/partners/oak/tools/OT1" in found
    splitter = visitor.get("/catalog/maple/partners/oak/tools/OT1").text
    assert "Out, due back around" in splitter and "ask at the counter to borrow it" in splitter
    assert "In" in visitor.get("/catalog/maple/partners/oak/tools/OT2").text
    assert visitor.get("/catalog/maple/partners/elm/tools/ET1").status_code == 404   # elm is no partner of maple
    set_public(web, "oak", enabled=False)     # a partner that keeps its catalog private is not shown by others
    assert names(visitor.get("/catalog/maple", params={"q": "oak"}).text) == []
    assert visitor.get("/catalog/maple/partners/oak/tools/OT1").status_code == 404


def test_a_library_can_switch_its_public_catalog_off(shelves, web, client, visitor):
    coordinator = client(MAPLE_COORDINATOR)
    assert coordinator.submit("/web/public-catalog", "/web/public-catalog", {}).status_code == 303
    for path in ("/catalog/maple", "/catalog/maple?q=sierra", "/catalog/maple/tools/MT8", "/catalog/maple/tools/MT8/photo"):
        response = visitor.get(path)
        assert response.status_code == 404 and "Sierra" not in response.text, path
    assert "not public" in visitor.get("/catalog/maple").text
    assert "Maple Street" not in visitor.get("/").text
    assert coordinator.post("/web/public-catalog", data={"enabled": "on"}).status_code == 403   # no token: refused
    assert visitor.get("/catalog/maple").status_code == 404
    assert coordinator.submit("/web/public-catalog", "/web/public-catalog", {"enabled": "on"}).status_code == 303
    assert visitor.get("/catalog/maple").status_code == 200


def test_pages_revalidate_by_etag_until_the_catalog_changes(shelves, visitor):
    for path in ("/catalog/maple?q=sierra", "/catalog/maple/tools/MT8", "/"):
        first = visitor.get(path)
        tag = first.headers["etag"]
        assert first.headers["cache-control"] == "public, no-cache" and "Accept-Language" in first.headers["vary"]
        again = visitor.get(path, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
        spanish = visitor.get(path, headers={"If-None-Match": tag, "Accept-Language": "es"})
        assert spanish.status_code == 200 and spanish.headers["etag"] != tag
    tag = visitor.get("/catalog/maple/tools/MT8").headers["etag"]
    shelves.checkout("M1", ["MT8"], today=TODAY)
    sync(shelves)
    changed = visitor.get("/catalog/maple/tools/MT8", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and "Out, due back around" in changed.text and changed.headers["etag"] != tag


def test_a_search_asked_again_follows_the_catalog_and_the_loans(shelves, visitor):
    """A ranked page is kept between visitors; every change of the catalog's words, and every loan, still shows."""
    def search() -> str:
        return visitor.get("/catalog/maple", params={"q": "sierra"}).text

    assert names(search()) == ["Sierra de calar"] and ">In<" in search()
    shelves.add_tool("MT10", "Sierra circular", category="Power tools > Saws")
    sync(shelves)
    assert sorted(names(search())) == ["Sierra circular", "Sierra de calar"]
    shelves.checkout("M1", ["MT8"], today=TODAY)
    sync(shelves)
    assert "Out, due back around" in search()
    shelves.edit_tool("MT10", name="Circular saw")
    sync(shelves)
    assert names(search()) == ["Sierra de calar"]
    assert names(visitor.get("/catalog/maple", params={"q": "circular"}).text) == ["Circular saw"]
    shelves.set_tool_status("MT10", "retired")
    sync(shelves)
    assert names(visitor.get("/catalog/maple", params={"q": "circular"}).text) == []
    shelves.set_tool_status("MT10", "available")
    sync(shelves)
    assert names(visitor.get("/catalog/maple", params={"q": "circular"}).text) == ["Circular saw"]


def test_the_browsers_language_and_the_switch(shelves, visitor):
    spanish = visitor.get("/catalog/maple/tools/MT8", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert spanish.headers["content-language"] == "es" and '<html lang="es">' in spanish.text
    assert "Disponible" in spanish.text and "Plazo de préstamo" in spanish.text and "5 días" in spanish.text
    drill = visitor.get("/catalog/maple/tools/MT1", headers={"Accept-Language": "es"}).text
    assert "Prestada, vuelve hacia el" in drill and "1 persona en espera" in drill
    assert "Acceso de socios" in drill and "Coordinación" in drill
    assert "Available" not in visitor.get("/catalog/maple/tools/MT8", headers={"Accept-Language": "fr"}).text
    switched = visitor.get("/language/es", params={"next": "/catalog/maple/tools/MT8"})
    assert switched.status_code == 303 and switched.headers["location"] == "/catalog/maple/tools/MT8"
    assert "httponly" in switched.headers["set-cookie"].lower()
    assert "Disponible" in visitor.get("/catalog/maple/tools/MT8", headers={"Accept-Language": "en"}).text
    visitor.get("/language/en", params={"next": "/"})
    assert ">In<" in visitor.get("/catalog/maple/tools/MT8", headers={"Accept-Language": "es"}).text
    for elsewhere in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        assert visitor.get("/language/es", params={"next": elsewhere}).headers["location"] == "/"
    assert visitor.get("/language/fr").status_code == 404


def test_bad_input_gets_a_clear_page_and_security_headers(shelves, visitor):
    long = visitor.get("/catalog/maple", params={"q": "x" * 101})
    assert long.status_code == 400 and "Type at most 100 characters" in long.text
    odd = visitor.get("/catalog/maple", params={"category": "x" * 201})
    assert odd.status_code == 400 and "no such category" in odd.text
    for page in ("0", "abc", "1001", "-1"):
        bad = visitor.get("/catalog/maple", params={"page": page})
        assert bad.status_code == 400 and "page number" in bad.text, page
    assert visitor.get("/catalog/nosuch").status_code == 404
    assert visitor.get("/catalog/NOT%20A%20SLUG").status_code == 404
    page = visitor.get("/catalog/maple")
    assert "script-src" not in page.headers["content-security-policy"]
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert page.headers["x-frame-options"] == "DENY" and "<script" not in page.text


def test_pages_of_results(shelves, visitor):
    with shelves.batch():
        for n in range(65):
            shelves.add_tool(f"MX{n}", f"Clamp {n:02d}", category="Clamps")
    sync(shelves)
    first = visitor.get("/catalog/maple", params={"category": "Clamps"}).text
    assert len(names(first)) == 30 and "Page 1 of 3" in first and 'rel="next"' in first
    last = visitor.get("/catalog/maple", params={"category": "Clamps", "page": "3"}).text
    assert names(last) == [f"Clamp {n}" for n in range(60, 65)] and 'rel="prev"' in last


def test_a_tool_photo_is_public_and_revalidates(shelves, web, visitor):
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    sha = hashlib.sha256(png).hexdigest()
    shelves.edit_tool("MT8", photo=f"photos/{sha}.png")
    sync(shelves)
    web.storage.put_photo(Device(shelves.device["id"], "maple", "front"), sha, png)
    assert 'src="/catalog/maple/tools/MT8/photo"' in visitor.get("/catalog/maple/tools/MT8").text
    photo = visitor.get("/catalog/maple/tools/MT8/photo")
    assert photo.status_code == 200 and photo.content == png and photo.headers["content-type"] == "image/png"
    again = visitor.get("/catalog/maple/tools/MT8/photo", headers={"If-None-Match": photo.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert visitor.get("/catalog/maple/tools/MT2/photo").status_code == 404   # no photo
    assert visitor.get("/catalog/maple/partners/oak/tools/MT8/photo").status_code == 404


def test_the_same_catalog_on_a_postgresql_server(tmp_path):
    """The pages read per-library SQLite views whatever the store, so search works the same on PostgreSQL."""
    if not pg_reachable():
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432 (set TOOLKIOSK_TEST_PG to point elsewhere)")
    with pg_schema_url() as url:
        storage = open_storage(url)
        storage.add_library("maple", "Maple Street Tool Library")
        try:
            with WebServer(storage, tmp_path / "web", Clock()) as server:
                ledger = new_kiosk(tmp_path / "kiosk", storage, server.url, "maple")
                ledger.add_tool("MT8", "Sierra de calar", category="Power tools > Saws", kit=["batería"])
                sync(ledger)
                c = WebClient(server)
                for query in ("sierra", "SIERRA", "bateria"):
                    assert names(c.get("/", params={"q": query}).text) == ["Sierra de calar"], query
                assert ">In<" in c.get("/catalog/maple/tools/MT8").text
                c.close()
                ledger.close()
        finally:
            storage.close()
