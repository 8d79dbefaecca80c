"""A library's read model on the server holds exactly what its kiosks derive from the same events."""

from __future__ import annotations

from tests.web.conftest import TODAY, sync

TABLES = {"tools": "code", "members": "code", "loans": "id", "conflicts": "id"}


def select(table: str) -> str:
    # a tool's rowid depends on arrival order; compare what the pages read
    columns = "library, code, name, category, status, service_status" if table == "tools" else "*"
    return f"SELECT {columns} FROM {table} WHERE library = 'maple' ORDER BY {TABLES[table]}"


def kiosk_rows(ledger, table: str) -> list[tuple]:
    return [tuple(r) for r in ledger.db.execute(select(table)).fetchall()]


def view_rows(view, table: str) -> list[tuple]:
    return [tuple(r) for r in view.query(select(table))]


def test_the_view_matches_a_kiosk_of_the_library(double_checkout, web):
    front, back = double_checkout
    sync(back)
    back.forget_old_borrowers()                  # as the kiosk does daily; the view does it at every refresh
    view = web.state.views.get("maple")
    for table in TABLES:
        assert view_rows(view, table) == kiosk_rows(back, table), table


def test_the_view_follows_new_events_and_forgets_old_borrowers(maple, web):
    view = web.state.views.get("maple")
    cursor = view.cursor
    maple.checkin("MT1", today=TODAY)
    sync(maple)
    view = web.state.views.get("maple")
    assert view.cursor > cursor
    assert view.query("SELECT closed_by FROM loans WHERE tool_code = 'MT1'")[0]["closed_by"] is not None
    forgotten = view.query("SELECT member_code FROM loans WHERE tool_code = 'MT5'")
    assert forgotten[0]["member_code"] is None                          # returned 200 days ago, retention 90
    opened = view.query("SELECT payload FROM events WHERE type = 'loan.opened' AND json_extract(payload, '$.tool') = 'MT5'")
    assert '"member":null' in opened[0]["payload"]


def test_a_deleted_view_is_rebuilt_from_the_log(maple, web):
    before = view_rows(web.state.views.get("maple"), "loans")
    web.state.views.close()
    for path in web.state.views.folder.glob("maple.db*"):
        path.unlink()
    assert view_rows(web.state.views.get("maple"), "loans") == before
