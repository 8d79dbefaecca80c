"""The kiosks page tells coordinators which kiosk's clock runs ahead, so its refused changes get noticed."""

from __future__ import annotations

from kiosk.ledger import clock
from sync.client import SyncClient
from tests.sync.helpers import new_kiosk
from tests.web.conftest import MAPLE_COORDINATOR


def test_a_kiosk_whose_clock_runs_ahead_is_flagged_on_the_kiosks_page(web, client, tmp_path):
    honest = new_kiosk(tmp_path / "honest", web.storage, web.url, "maple")
    ahead = new_kiosk(tmp_path / "ahead", web.storage, web.url, "maple",
                      wall=lambda: clock.wall_ms() + 3 * clock.DAY_MS + 3_600_000)
    try:
        for ledger in (honest, ahead):
            SyncClient(ledger).sync()
        page = client(MAPLE_COORDINATOR).get("/web/kiosks").text
        back_room = page.split("kiosk ahead")[1].split("</tr>")[0]
        front_desk = page.split("kiosk honest")[1].split("</tr>")[0]
        assert "runs 3 days ahead" in back_room and "events it stamped then are refused" in back_room
        assert "ahead" not in front_desk
    finally:
        honest.close()
        ahead.close()
