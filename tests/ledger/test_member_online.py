"""What members do from home, as the ledger sees it: preferences on the record, sign-ups waiting for
a volunteer, "forget my history now", and a renewal from home that met a return at an offline kiosk."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from kiosk.ledger import InvalidInput, Ledger, Refused, SyncBatch, rules
from kiosk.ledger.events import Event
from tests.conftest import TODAY

START_MS = 1_790_000_000_000


def _wall(offset_ms: int = 0):
    ticks = itertools.count()
    return lambda: START_MS + offset_ms + next(ticks)


def _send(source: Ledger, target: Ledger, events: list[Event] | None = None) -> None:
    target.apply_sync(SyncBatch(acks={}, events=source.events() if events is None else events, meta={}))


def _tables(ledger: Ledger) -> dict:
    return {"loans": ledger._query("SELECT id, member_code, due, renewals, closed_by FROM loans ORDER BY id"),
            "members": ledger._query("SELECT code, status, reminders_email FROM members ORDER BY code")}


@pytest.fixture
def kiosk(tmp_path: Path) -> Ledger:
    ledger = Ledger.create(tmp_path / "a", library="maple", name="Maple", wall=_wall())
    ledger.configure(open_weekdays=list(rules.WEEKDAYS))
    ledger.add_tool("T1", "Tile saw")
    ledger.add_member("M1", "Ana Lopez", email="ana@example.org", expires="2030-01-01")
    ledger.accept_waiver("M1")
    return ledger


def test_reminder_preferences_live_on_the_member_record(kiosk, tmp_path):
    kiosk.edit_member("M1", reminders_email=1, reminders_sms=0, language="es")
    other = Ledger.create(tmp_path / "b", library="maple", name="Maple", wall=_wall(5_000))
    _send(kiosk, other)
    member = other.member("M1")
    assert (member["reminders_email"], member["reminders_sms"], member["language"]) == (1, 0, "es")
    with pytest.raises(InvalidInput, match="reminders_sms must be 1"):
        kiosk.edit_member("M1", reminders_sms=2)
    assert kiosk.member("M1")["reminders_sms"] == 0


def test_a_pending_sign_up_cannot_borrow_until_a_volunteer_activates_it(kiosk, tmp_path):
    server = Ledger.create(tmp_path / "s", library="maple", name="Maple", wall=_wall(60_000))
    _send(kiosk, server)
    with server.batch():
        server._append("member.signed_up", "member:W1", {"code": "W1", "fields": {
            "name": "Wen Web", "email": "wen@example.org", "status": "pending", "waiver_version": "1",
            "waiver_language": "es", "waiver_accepted_at": TODAY.isoformat(), "expires": "2030-01-01"}})
    _send(server, kiosk)
    assert [m["code"] for m in kiosk.pending_members()] == ["W1"]
    with pytest.raises(Refused) as refused:
        kiosk.checkout("W1", ["T1"])
    assert refused.value.refusals[0].reason == "pending"
    kiosk.activate_member("W1")
    assert kiosk.pending_members() == []
    assert kiosk.checkout("W1", ["T1"])
    with pytest.raises(InvalidInput, match="not waiting"):
        kiosk.activate_member("W1")


def test_forget_my_history_now_clears_returned_loans_but_not_open_ones(kiosk, tmp_path):
    kiosk.add_tool("T2", "Spade")
    kiosk.checkout("M1", ["T1"])
    kiosk.checkin("T1")
    kiosk.checkout("M1", ["T2"])
    kiosk.forget_history("M1")
    loans = {r["tool_code"]: r["member_code"] for r in kiosk._query("SELECT tool_code, member_code FROM loans")}
    assert loans == {"T1": None, "T2": "M1"}
    assert "M1" not in str([e.payload for e in kiosk.events() if e.type == "loan.opened" and e.payload["tool"] == "T1"])
    other = Ledger.create(tmp_path / "b", library="maple", name="Maple", wall=_wall(5_000))
    _send(kiosk, other)
    assert _tables(other) == _tables(kiosk)


def test_a_return_reaching_a_replica_after_the_forget_request_is_forgotten_too(kiosk, tmp_path):
    kiosk.checkout("M1", ["T1"])
    other = Ledger.create(tmp_path / "b", library="maple", name="Maple", wall=_wall(5_000))
    _send(kiosk, other)
    kiosk.checkin("T1")                            # offline
    other.forget_history("M1")                     # later, by the clocks
    fresh = Ledger.create(tmp_path / "c", library="maple", name="Maple", wall=_wall(9_000))
    events = sorted(kiosk.events() + [e for e in other.events() if e.type == "member.history_forgotten"],
                    key=lambda e: e.type != "member.history_forgotten")  # the request first, the return after
    seen: set[str] = set()
    _send(kiosk, fresh, [e for e in events if not (e.id in seen or seen.add(e.id))])
    assert fresh._query("SELECT member_code FROM loans")[0]["member_code"] is None


@pytest.mark.parametrize("renewal_first", [True, False])
def test_a_renewal_from_home_is_void_when_the_tool_came_back_at_an_offline_kiosk(kiosk, tmp_path, renewal_first):
    loan = kiosk.checkout("M1", ["T1"])[0]
    server = Ledger.create(tmp_path / "s", library="maple", name="Maple", wall=_wall(60_000))
    _send(kiosk, server)
    kiosk.checkin("T1")                            # at the counter, offline
    renewed = server.renew("T1")                   # from home, a minute later by the clocks
    assert renewed["renewals"] == 1
    returned = [e for e in kiosk.events() if e.type == "loan.returned"]
    renewal = [e for e in server.events() if e.type == "loan.renewed"]
    replica = Ledger.create(tmp_path / "r", library="maple", name="Maple", wall=_wall(90_000))
    _send(kiosk, replica, [e for e in kiosk.events() if e.type != "loan.returned"])
    for batch in ((renewal, returned) if renewal_first else (returned, renewal)):
        _send(kiosk, replica, batch)
    _send(kiosk, server, returned)
    _send(server, kiosk, renewal)
    for ledger in (replica, server, kiosk):
        row = ledger._query("SELECT due, renewals, closed_by FROM loans WHERE id = ?", (loan["id"],))[0]
        assert (row["due"], row["renewals"]) == (loan["due"], 0)
        assert row["closed_by"] is not None


def test_a_renewal_before_the_return_stands():
    assert rules.renewal_counts((5, "a"), (9, "b"))
    assert rules.renewal_counts((5, "a"), None)
    assert not rules.renewal_counts((9, "a"), (5, "b"))


def test_membership_renewal_online_follows_the_librarys_rules():
    member = {"expires": "2027-01-10", "status": "active"}
    today = TODAY.replace(year=2027, month=1, day=1)
    assert rules.membership_renewal(member, {"renew_online_days": 0}, today) == (None, "not_online")
    assert rules.membership_renewal(member, {"renew_online_days": 5}, today) == (None, "too_early")
    new, _ = rules.membership_renewal(member, {"renew_online_days": 30, "membership_days": 365}, today)
    assert new.isoformat() == "2028-01-10"
    assert rules.membership_renewal({**member, "status": "pending"}, {"renew_online_days": 30}, today)[1] == "not_active"


def test_library_sign_up_settings_are_checked(kiosk):
    kiosk.configure(signup="at_once", membership_days=180, renew_online_days=14)
    assert kiosk.settings["signup"] == "at_once"
    with pytest.raises(InvalidInput, match="signup must be one of"):
        kiosk.configure(signup="sometimes")
    with pytest.raises(InvalidInput, match="membership_days"):
        kiosk.configure(membership_days=0)
