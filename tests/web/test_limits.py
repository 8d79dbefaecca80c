"""The web pages with values at and beyond the shared limits, over real HTTP."""

from __future__ import annotations

from datetime import date, timedelta

from kiosk.ledger import limits
from tests.web.conftest import MAPLE_COORDINATOR, sync


def test_settings_written_before_the_limits_break_no_page_and_no_other_library(maple, kiosk, web, client,
                                                                                monkeypatch):
    """A library whose kiosks sent out-of-range settings before they were checked: its pages and the
    server's forgetting still work, for it and for the libraries after it."""
    with monkeypatch.context() as old_version:
        old_version.setattr(limits, "_check_settings", lambda fields: None)
        maple.configure(retention_days=1_000_000, default_loan_days=5_000_000,
                        category_loan_days={"Garden": "abc"})  # type: ignore[dict-item]
        sync(maple)
    oak = kiosk("oak")
    oak.add_tool("OT1", "Ladder")
    oak.add_member("O1", "Olu", expires="2099-01-01")
    oak.accept_waiver("O1")
    oak.checkout("O1", ["OT1"])
    oak.checkin("OT1")
    sync(oak)
    c = client(MAPLE_COORDINATOR)
    for path in ("/web/loans", "/web/loans?state=all", "/web/overdue", "/web/overdue.csv", "/web/holds",
                 "/web/tools", "/web/members"):
        response = c.get(path)
        assert response.status_code == 200, (path, response.text[:300])
    assert "90 days" in c.get("/web/loans?state=returned").text   # the default, not a million days
    forgotten = web.storage.forget_old_borrowers(date.today() + timedelta(days=91))
    assert forgotten >= 1
    opened = next(e for _, e in web.storage.events("oak") if e.type == "loan.opened")
    assert opened.payload["member"] is None


def test_a_hold_form_refuses_a_code_longer_than_any_kiosk_accepts(maple, web, client):
    c = client(MAPLE_COORDINATOR)
    response = c.submit("/web/holds", "/web/holds/place", {"member": "M2", "tool": "T" * 100})
    assert response.status_code == 400 and f"at most {limits.CODE_MAX} characters" in response.text
