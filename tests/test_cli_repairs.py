"""`toolkiosk repairs ...` and `toolkiosk report`: real processes, real output."""

from __future__ import annotations

import csv
import io
import json

from tests.test_cli import home, toolkiosk  # noqa: F401  (home is a fixture)

KEYS = ["id", "tool_code", "tool_name", "problem", "status", "opened", "assignee", "cost"]
REPORT_KEYS = ["loans", "borrowers", "new_members", "returning_members", "value_lent", "loans_without_value",
               "repairs_closed", "repair_cost", "tools_added", "by_category", "by_area"]


def _json(home, *args):
    result = toolkiosk(home, *args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_repair_from_the_return_to_back_in_service(home):
    assert toolkiosk(home, "checkout", "M1", "T1").returncode == 0
    back = toolkiosk(home, "checkin", "T1", "--condition", "repair", "--problem", "Chuck slips")
    assert back.returncode == 0 and "in_repair" in back.stdout
    [ticket] = _json(home, "repairs", "list")
    assert list(ticket) == KEYS
    assert (ticket["tool_code"], ticket["tool_name"], ticket["problem"], ticket["status"]) == (
        "T1", "Cordless drill", "Chuck slips", "open")
    assert len(ticket["opened"]) == 10 and ticket["assignee"] is None and ticket["cost"] is None

    refused = toolkiosk(home, "checkout", "M1", "T1", "--format", "json")
    assert refused.returncode != 0 and json.loads(refused.stdout)[0]["reason"] == "in_repair"

    updated = _json(home, "repairs", "update", ticket["id"], "--assignee", "Sam", "--cost", "12.50",
                    "--note", "New chuck ordered", "--status", "waiting_parts")
    assert (updated["assignee"], updated["cost"], updated["status"]) == ("Sam", 12.5, "waiting_parts")
    assert _json(home, "repairs", "list", "--status", "fixed") == []
    done = toolkiosk(home, "repairs", "update", ticket["id"], "--status", "fixed")
    assert done.returncode == 0 and "Cordless drill is back in service" in done.stdout
    assert toolkiosk(home, "checkout", "M1", "T1").returncode == 0


def test_a_volunteer_opens_a_ticket_and_lists_it_as_csv(home):
    opened = toolkiosk(home, "repairs", "open", "T2", "--problem", "Handle cracked")
    assert opened.returncode == 0 and "Opened repair" in opened.stdout
    rows = list(csv.DictReader(io.StringIO(toolkiosk(home, "repairs", "list", "--format", "csv").stdout)))
    assert [(r["tool_code"], r["problem"], r["status"]) for r in rows] == [("T2", "Handle cracked", "open")]
    table = toolkiosk(home, "repairs", "list", "--status", "open").stdout
    assert "Handle cracked" in table and "Spade" in table


def test_bad_repair_input_says_why_and_changes_nothing(home):
    ticket = _json(home, "repairs", "open", "T2", "--problem", "Handle cracked")
    before = _json(home, "status")["waiting"]
    for args in (["repairs", "update", ticket["id"], "--cost", "a lot"],
                 ["repairs", "update", ticket["id"], "--cost", "-3"],
                 ["repairs", "update", ticket["id"]],
                 ["repairs", "update", "no-such-ticket", "--note", "hi"],
                 ["repairs", "open", "T2", "--problem", "again"],
                 ["repairs", "open", "NOPE", "--problem", "gone"]):
        result = toolkiosk(home, *args)
        assert result.returncode != 0 and result.stderr.startswith("toolkiosk: "), args
    bad_status = toolkiosk(home, "repairs", "update", ticket["id"], "--status", "broken")
    assert bad_status.returncode == 2 and "invalid choice" in bad_status.stderr
    assert _json(home, "status")["waiting"] == before


def test_the_report_in_json_csv_and_a_table(home):
    assert toolkiosk(home, "members", "edit", "M1", "--area", "Eastside").returncode == 0
    assert toolkiosk(home, "checkout", "M1", "T1", "T2").returncode == 0
    today = _json(home, "loans")[0]["opened_at"]
    report = _json(home, "report", "--from", today, "--to", today)
    assert [k for k in report if k in REPORT_KEYS] == REPORT_KEYS
    assert (report["loans"], report["borrowers"], report["new_members"], report["tools_added"]) == (2, 1, 1, 2)
    assert report["loans_without_value"] == 2 and report["value_lent"] == 0
    assert report["by_area"] == [{"area": "fewer than 5", "borrowers": 1}]   # one person: never shown by area
    rows = list(csv.DictReader(io.StringIO(
        toolkiosk(home, "report", "--from", today, "--to", today, "--format", "csv").stdout)))
    assert {"section": "total", "name": "loans", "value": "2"} in rows
    assert "Eastside" not in toolkiosk(home, "report", "--from", today, "--to", today).stdout

    backwards = toolkiosk(home, "report", "--from", today, "--to", "2000-01-01")
    assert backwards.returncode != 0 and "before its start" in backwards.stderr
    assert toolkiosk(home, "report", "--from", "yesterday", "--to", today).returncode == 2
