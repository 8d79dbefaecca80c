from datetime import date

from kiosk.ledger import Ledger
from kiosk.ledger import clock

NOV_2026 = 1_795_000_000_000  # milliseconds, 2026-11-18


def test_stamps_never_run_backwards_even_when_the_wall_clock_does():
    stamp = clock.tick(0, NOV_2026)
    later = clock.tick(stamp, NOV_2026 - 86_400_000)  # clock set back a day
    assert later > stamp and clock.physical_ms(later) == NOV_2026
    assert clock.tick(later, 0) > later              # reset to 1970


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
