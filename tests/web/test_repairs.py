"""Repairs on the coordinators' pages: the list with its filter and CSV, each tool's repair
history, the cost of repairs in the statistics; and the impact report, per library and combined."""

from __future__ import annotations

import re

from tests.web.conftest import ELM_COORDINATOR, MAPLE_COORDINATOR, TODAY, days, sync


def _tickets(maple):
    ladder = maple.open_repair("MT3", "Loose rung", today=days(-6))
    maple.update_repair(ladder["id"], assignee="Sam", cost="12.50", note="New rivets", status="fixed", today=days(-2))
    maple.checkin("MT1", "missing-parts", missing_parts=["battery"], today=days(-1))
    sync(maple)
    return ladder


def test_the_repairs_page_filters_and_downloads_csv(maple, client):
    ladder = _tickets(maple)
    c = client(MAPLE_COORDINATOR)
    current = c.get("/web/repairs").text
    assert "Cordless drill" in current and "Parts missing: battery" in current and "Step ladder" not in current
    assert "returned by Ana Lopez" in current
    fixed = c.get("/web/repairs?status=fixed").text
    assert "Step ladder" in fixed and "Loose rung" in fixed and "New rivets" in fixed and "12.50" in fixed
    assert "Cordless drill" not in fixed
    assert "Cordless drill" not in c.get("/web/repairs?status=all&q=rung").text
    csv_text = c.get("/web/repairs.csv?status=all").text.lstrip("\ufeff")
    header, *rows = csv_text.strip().splitlines()
    assert header.startswith("id,tool_code,tool_name,shelf,problem,status,opened")
    assert any(row.startswith(f"{ladder['id']},MT3,Step ladder,,Loose rung,fixed,") for row in rows) and len(rows) == 2
    assert c.get("/web/repairs?status=broken").status_code == 422      # an unknown filter is refused


def test_a_tools_page_shows_its_repair_history_and_the_statistics_its_cost(maple, client):
    _tickets(maple)
    c = client(MAPLE_COORDINATOR)
    tool = c.get("/web/tools/MT3").text
    section = tool[tool.index("<h2>Repairs</h2>"):tool.index("<h2>History</h2>")]
    assert "Loose rung" in section and "Sam" in section and "12.50" in section and days(-2).isoformat() in section
    assert "Never in for repair." in c.get("/web/tools/MT2").text
    stats = c.get("/web/stats").text
    assert re.search(r"<strong>1</strong> tools in for repair", stats)
    assert re.search(r"<strong>12.50</strong> spent on repairs", stats)


def test_another_library_sees_none_of_maples_repairs(maple, elm, client):
    _tickets(maple)
    page = client(ELM_COORDINATOR).get("/web/repairs?status=all").text
    assert "Loose rung" not in page and "Cordless drill" not in page


def _figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'<strong id="(\w+)">([^<]*)</strong>', html))


def test_the_report_page_gives_the_kiosks_figures_after_the_server_forgot_borrowers(maple, client, web):
    _tickets(maple)
    maple.add_member("M4", "Dee Gone", expires=days(400).isoformat(), area="Riverside")
    maple.accept_waiver("M4")
    maple.checkout("M4", ["MT7"], today=days(-300))   # Dee's only loan, long returned: forgotten on the server
    maple.checkin("MT7", today=days(-250))
    sync(maple)
    start, end = days(-400), TODAY
    expected = maple.impact_report(start, end)          # the kiosk has forgotten no one yet
    c = client(MAPLE_COORDINATOR)
    html = c.get(f"/web/report?from={start}&to={end}").text   # the server's view forgets the old borrowers
    view = web.state.views.get("maple")
    assert {r["tool_code"] for r in view.query("SELECT tool_code FROM loans WHERE member_code IS NULL")} == {"MT5", "MT7"}
    figures = _figures(html)
    assert figures["loans"] == str(expected["loans"]) == "7"
    assert figures["borrowers"] == str(expected["borrowers"]) == "4"
    # everyone joined within the period: a forgotten borrower must not turn into a returning member
    assert figures["returning_members"] == str(expected["returning_members"]) == "0"
    assert figures["new_members"] == str(expected["new_members"]) == "4"
    assert figures["repairs_closed"] == "1" and figures["repair_cost"] == "12.50"
    assert "Ana Lopez" not in html and "M1" not in html
    assert "<svg" in html and "fewer than 5" in html
    spanish = c.get(f"/web/report?from={start}&to={end}&lang=es").text
    assert "Informe de impacto" in spanish and "menos de 5" in spanish and "Préstamos por categoría" in spanish
    assert c.get("/web/report?from=2026-13-01").status_code in (400, 422)
    backwards = c.get(f"/web/report?from={end}&to={start}")
    assert backwards.status_code == 400 and "before its start" in backwards.text


def test_partners_report_combined_only_when_both_agree_to_share(maple, oak, web, client):
    from sync.server.web import accounts

    accounts.add(web.state.db, "oak", "olu@oak.example.org", "correct horse battery staple", "coordinator")
    c = client(MAPLE_COORDINATOR)
    start, end = days(-400), TODAY
    network = f"/web/report?from={start}&to={end}&scope=network"
    assert "does not share its figures yet" in c.get(network).text
    assert c.submit(network, "/web/report/sharing", {"share": "yes"}).status_code == 303
    alone = _figures(c.get(network).text)
    assert alone["loans"] == "6"                  # Oak has not agreed: only Maple counts
    oak_c = client()
    assert oak_c.login("olu@oak.example.org", "correct horse battery staple").status_code == 303
    assert oak_c.submit(network, "/web/report/sharing", {"share": "yes"}).status_code == 303
    both = c.get(network).text
    assert _figures(both)["loans"] == "7" and "Oak Lane Tools" in both and "Olga" not in both
    assert c.submit(network, "/web/report/sharing", {"share": "no"}).status_code == 303
    assert "does not share its figures yet" in c.get(network).text


def test_a_view_rebuilt_after_the_server_forgot_borrowers_gives_the_same_report(maple, web, tmp_path):
    from kiosk.ledger import impact
    from sync.server.web.views import LibraryView

    maple.edit_member("M3", area="Riverside")
    sync(maple)
    start, end = days(-400), TODAY
    expected = maple.impact_report(start, end)
    assert web.storage.forget_old_borrowers(TODAY) >= 1        # MT5's borrower, in the server's own log
    opened = [e for _, e in web.storage.events("maple", limit=10_000) if e.type == "loan.opened"
              and e.payload["tool"] == "MT5"][0]
    assert opened.payload["member"] is None and opened.payload["borrower"]["area"] == "Riverside"
    fresh = LibraryView(tmp_path / "fresh.db", "maple", web.state.source)   # as a view rebuilt from the log
    fresh.refresh(TODAY)
    figures = impact.gather(lambda sql, args: fresh.query(sql, args), "maple", start, end)
    assert impact.publish(figures, start, end) == expected
    fresh.close()


def test_a_members_area_shows_on_the_members_page(maple, client):
    maple.edit_member("M2", area="Riverside")
    sync(maple)
    page = client(MAPLE_COORDINATOR).get("/web/members").text
    row = page[page.index("Ben Okafor"):]
    assert "Riverside" in row[:row.index("</tr>")]
