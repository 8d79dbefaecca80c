"""`toolkiosk holds ...`, and what check-in and checkout say about holds: real processes, real output."""

from __future__ import annotations

import json

from tests.test_cli import home, toolkiosk  # noqa: F401  (home is a fixture)

KEYS = ["id", "tool_code", "tool_name", "member_code", "member_name", "position", "status", "ready_until"]


def _add_member(home, code, name):
    result = toolkiosk(home, "members", "add", "--code", code, "--name", name, "--expires", "2030-01-01", "--waiver-accepted")
    assert result.returncode == 0, result.stderr


def _events(home) -> int:
    """Events written here and not yet sent: any new one counts."""
    return json.loads(toolkiosk(home, "status", "--format", "json").stdout)["waiting"]


def test_a_waiting_list_from_placing_to_pickup(home):
    _add_member(home, "M2", "Ben Okafor")
    _add_member(home, "M3", "Cy Nguyen")
    assert toolkiosk(home, "checkout", "M1", "T1").returncode == 0
    placed = toolkiosk(home, "holds", "place", "M2", "T1")
    assert placed.returncode == 0, placed.stderr
    assert "Ben Okafor is number 1 in line for Cordless drill" in placed.stdout
    second = json.loads(toolkiosk(home, "holds", "place", "M3", "T1", "--format", "json").stdout)
    assert list(second) == KEYS and (second["position"], second["status"], second["ready_until"]) == (2, "waiting", None)

    renew = toolkiosk(home, "renew", "T1")
    assert renew.returncode != 0 and "Someone is waiting for this tool" in renew.stderr

    back = toolkiosk(home, "checkin", "T1")
    assert back.returncode == 0 and "Put this on the hold shelf for Ben O." in back.stdout
    [ben, cy] = json.loads(toolkiosk(home, "holds", "list", "--tool", "T1", "--format", "json").stdout)
    assert list(ben) == KEYS
    assert (ben["member_code"], ben["status"], ben["position"]) == ("M2", "ready", None)
    assert len(ben["ready_until"]) == 10 and (cy["status"], cy["position"]) == ("waiting", 1)

    refused = toolkiosk(home, "checkout", "M3", "T1", "--format", "json")
    assert refused.returncode == 6 and refused.stdout == ""   # a refusal is an error: on stderr, as JSON
    assert json.loads(refused.stderr)[0]["reason"] == "held_for_another"
    assert toolkiosk(home, "checkout", "M2", "T1").returncode == 0
    statuses = {h["member_code"]: h["status"] for h in json.loads(
        toolkiosk(home, "holds", "list", "--all", "--format", "json").stdout)}
    assert statuses == {"M2": "picked_up", "M3": "waiting"}


def test_a_refused_hold_says_why_on_stderr_and_writes_nothing(home):
    assert toolkiosk(home, "checkout", "M1", "T1").returncode == 0
    before = _events(home)
    for args, reason in ((["M1", "T1"], "already_has"), (["M9", "T1"], "unknown_member"), (["M1", "NOPE"], "unknown_tool")):
        result = toolkiosk(home, "holds", "place", *args)
        assert result.returncode == 6 and reason in result.stderr and result.stdout == "", (args, result.stderr)
    assert _events(home) == before
    assert json.loads(toolkiosk(home, "holds", "list", "--format", "json").stdout) == []


def test_the_hold_shelf_lists_deadlines_and_expired_holds_move_on(home):
    _add_member(home, "M2", "Ben Okafor")
    toolkiosk(home, "checkout", "M1", "T2")
    hold = json.loads(toolkiosk(home, "holds", "place", "M2", "T2", "--format", "json").stdout)
    toolkiosk(home, "checkin", "T2")
    [item] = json.loads(toolkiosk(home, "holds", "shelf", "--format", "json").stdout)
    assert (item["for"], item["state"], item["action"]) == ("Ben O.", "ready", "keep")
    later = json.loads(toolkiosk(home, "holds", "shelf", "--as-of", "2099-01-01", "--format", "json").stdout)
    assert (later[0]["state"], later[0]["action"]) == ("expired", "put_back")
    assert toolkiosk(home, "holds", "shelf", "--as-of", "soon").returncode == 2

    early = toolkiosk(home, "holds", "expire", hold["id"])
    assert early.returncode != 0 and "pickup window runs until" in early.stderr
    cancelled = toolkiosk(home, "holds", "cancel", hold["id"], "--reason", "bought one")
    assert cancelled.returncode == 0 and "Cancelled: Spade for Ben Okafor" in cancelled.stdout
    assert json.loads(toolkiosk(home, "tools", "show", "T2", "--format", "json").stdout)["status"] == "available"
    missing = toolkiosk(home, "holds", "cancel", "no-such-hold")
    assert missing.returncode == 3 and "no hold" in missing.stderr


def test_a_coordinator_reorders_with_a_reason(home):
    _add_member(home, "M2", "Ben Okafor")
    _add_member(home, "M3", "Cy Nguyen")
    toolkiosk(home, "checkout", "M1", "T1")
    toolkiosk(home, "holds", "place", "M2", "T1")
    cy = json.loads(toolkiosk(home, "holds", "place", "M3", "T1", "--format", "json").stdout)
    assert toolkiosk(home, "holds", "reorder", cy["id"], "1").returncode == 2   # --reason is required
    moved = toolkiosk(home, "holds", "reorder", cy["id"], "1", "--reason", "asked by phone in May", "--format", "json")
    assert moved.returncode == 0 and json.loads(moved.stdout)["position"] == 1
    back = toolkiosk(home, "checkin", "T1", "--format", "json")
    assert json.loads(back.stdout)[0]["hold_for"] == "Cy N."
