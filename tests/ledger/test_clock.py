from datetime import date

from kiosk.ledger import Ledger
from kiosk.ledger import clock

NOV_2026 = 1_795_000_000_000  # milliseconds, 2026-11-18


def test_stamps_never_run_backwards_even_when_the_wall_clock_does():
    stamp = clock.tick(0, NOV_2026)
    later = clock.tick(stamp, NOV_2026 - 86_400_000)  # clock set back a day
    assert later > stamp and clock.physical_ms(later) == NOV_2026
    # the ledger gives tick its trusted time, which never goes back to 1970 (see the test below)


def test_a_stamp_from_the_far_future_is_let_go_rather_than_followed():
    far = clock.pack(NOV_2026 + 70 * 365 * clock.DAY_MS, 5)
    assert clock.physical_ms(clock.tick(far, NOV_2026)) == NOV_2026
    assert clock.physical_ms(clock.observe(clock.pack(NOV_2026, 0), far, NOV_2026)) == NOV_2026
    # within the drift allowed, a remote stamp is followed as HLC prescribes
    near = clock.pack(NOV_2026 + clock.MAX_DRIFT_MS, 0)
    assert clock.observe(clock.pack(NOV_2026, 0), near, NOV_2026) > near


def test_no_stamp_or_wall_time_overflows_the_64_bit_stamp():
    for last in (clock.MAX_STAMP, clock.MAX_STAMP - 1, clock.pack(clock.LATEST_MS + clock.MAX_DRIFT_MS, 0xFFFF)):
        for now in (0, NOV_2026, clock.trusted_ms(1 << 62)):
            assert 0 < clock.tick(last, now) <= clock.MAX_STAMP
            assert 0 < clock.observe(last, clock.MAX_STAMP, now) <= clock.MAX_STAMP
    assert clock.stamp_iso(clock.MAX_STAMP).startswith("6429-")
    assert clock.stamp_date(clock.MAX_STAMP).year == 6429


def test_observing_a_remote_stamp_moves_past_it():
    remote = clock.pack(NOV_2026 + 5_000, 3)
    assert clock.observe(clock.pack(NOV_2026, 0), remote, NOV_2026) > remote


def test_a_kiosk_booted_at_1970_keeps_the_last_known_date_and_order(tmp_path):
    wall = [NOV_2026]
    ledger = Ledger.create(tmp_path / "home", library="maple", name="Maple", wall=lambda: wall[0])
    ledger.add_tool("T1", "Saw")
    ledger.close()
    wall[0] = 0  # the Pi rebooted with no network and no real-time clock
    rebooted = Ledger.open(tmp_path / "home", wall=lambda: wall[0])
    assert rebooted.today() == date(2026, 11, 18)
    rebooted.edit_tool("T1", name="Hand saw")
    stamps = [e.hlc for e in rebooted.events()]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert rebooted.tool("T1")["name"] == "Hand saw"
