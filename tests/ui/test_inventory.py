"""The inventory check is kept by the library until finished or discarded: Home, idling and a
restart lose nothing; what was not scanned is listed by shelf; the screen never says "ledger"."""

from __future__ import annotations

from kiosk.ledger.inventory import shelf_order
from tests.ui.test_staff import sign_in


def scan_all_but(kiosk, ledger, left: int):
    on_shelf = sorted(ledger.list_tools(status="available"), key=lambda t: t["code"])
    for tool in on_shelf[:-left]:
        kiosk.app.on_scan(tool["code"])
    kiosk.pump()
    return on_shelf[-left:]


def test_the_check_survives_home_idle_and_a_restart(kiosk, ledger):
    sign_in(kiosk, "volunteer", "1234")
    kiosk.tap(kiosk.find("Inventory check"))
    left = scan_all_but(kiosk, ledger, 5)
    scanned = len(ledger.list_tools(status="available")) - 5
    kiosk.tap(kiosk.find("Home"))
    sign_in(kiosk, "volunteer", "1234")
    kiosk.tap(kiosk.find(f"Continue the inventory check ({scanned} scanned)"))
    assert f"Tools scanned: {scanned}" in kiosk.texts()
    service = kiosk.app.service  # idle past the timeout and the "Still there?" countdown: back home
    kiosk.app.last_activity -= service.idle_timeout() + service.idle_warning() + 1
    kiosk.app.idle_tick()
    kiosk.wait(lambda: kiosk.screen.name == "home", timeout=10)
    kiosk.use_home(kiosk.app.service.home)  # the kiosk restarted on the same library
    sign_in(kiosk, "volunteer", "1234")
    kiosk.tap(kiosk.find(f"Continue the inventory check ({scanned} scanned)"))
    kiosk.tap(kiosk.find("Show what was not scanned"))
    rows = kiosk.screen.ids.tools.children[::-1]
    assert [r.detail.rsplit(" · ", 1)[1] for r in rows] == [t["code"] for t in sorted(left, key=shelf_order)]
    assert not [t for t in kiosk.texts() if "ledger" in t.lower()]


def test_finish_keeps_the_result_and_the_next_check_starts_afresh(kiosk, ledger):
    sign_in(kiosk, "volunteer", "1234")
    kiosk.tap(kiosk.find("Inventory check"))
    left = scan_all_but(kiosk, ledger, 3)
    kiosk.tap(kiosk.find("Finish the check"))
    assert ledger.open_inventory() is None
    assert f"Tools scanned: {len(ledger.list_tools(status='available')) - 3}" in kiosk.texts()
    assert any(t.startswith("Check finished on ") and t.endswith("Not found on the shelves: 3") for t in kiosk.texts())
    assert {r.detail.rsplit(" · ", 1)[1] for r in kiosk.screen.ids.tools.children} == {t["code"] for t in left}
    kiosk.tap(kiosk.find("Back"))
    assert kiosk.find("Inventory check")  # nothing under way


def test_discard_asks_once_more_then_forgets_the_scans(kiosk, ledger):
    sign_in(kiosk, "volunteer", "1234")
    kiosk.tap(kiosk.find("Inventory check"))
    scan_all_but(kiosk, ledger, 10)
    kiosk.tap(kiosk.find("Discard the check"))
    assert ledger.open_inventory() is not None  # one tap is not enough
    kiosk.tap(kiosk.find("Yes, discard it"))
    assert ledger.open_inventory() is None and kiosk.app.toast.text == "The inventory check was discarded."
    assert "Tools scanned: 0" in kiosk.texts() and "Scan every tool on the shelves." in kiosk.texts()
    assert [e.type for e in ledger.events()][-1] == "inventory.discarded"
