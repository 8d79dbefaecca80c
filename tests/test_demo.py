"""The demo library is its data files (assets/demo): edit a row and the demo follows."""

from __future__ import annotations

import csv
import tomllib
from datetime import timedelta

import pytest

from kiosk import assets
from kiosk.demo import seed_demo
from kiosk.ledger.codes import mint_code


def _rows(name: str) -> list[dict[str, str]]:
    with assets.path("demo", name).open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    ledger = seed_demo(tmp_path_factory.mktemp("demo") / "home")
    yield ledger
    ledger.close()


def test_the_library_and_its_rules_are_library_toml(demo):
    library = tomllib.loads(assets.path("demo", "library.toml").read_text(encoding="utf-8"))
    assert (demo.library["slug"], demo.library["name"]) == (library["slug"], library["name"])
    assert demo.device["name"] == library["device_name"]
    for key, value in library["settings"].items():
        assert demo.settings[key] == value, key


def test_every_row_of_tools_csv_is_a_tool_with_a_code_minted_in_row_order(demo):
    rows = _rows("tools.csv")
    assert len(rows) == len(demo.list_tools()) == 205
    for number, row in enumerate(rows, 1):
        tool = demo.tool(mint_code("demo", "tool", "DEMO0", number))
        assert (tool["name"], tool["category"], tool["brand"], tool["model"], tool["shelf"], tool["condition"]) == \
            (row["name"], row["category"], row["brand"], row["model"], row["shelf"], row["condition"])
        assert tool["replacement_value"] == float(row["replacement_value"])
        assert tool["kit"] == (row["kit"].split(";") if row["kit"] else [])
        if row["status"] in ("missing", "retired"):  # in_repair tools may have come back since
            assert tool["service_status"] == row["status"]


def test_members_csv_decides_who_may_borrow(demo):
    rows = _rows("members.csv")
    today = demo.today()
    assert len(rows) == len(demo.list_members()) == 50
    for number, row in enumerate(rows, 1):
        code = mint_code("demo", "member", "DEMO0", number)
        member = demo.member(code)
        assert (member["name"], member["email"]) == (row["name"], row["email"])
        assert member["expires"] == (today + timedelta(days=int(row["expires_in_days"]))).isoformat()
        expected = {reason for reason, applies in (("membership_expired", int(row["expires_in_days"]) < 0),
                                                   ("waiver_missing", row["waiver"] == "no"),
                                                   ("suspended", row["status"] == "suspended")) if applies}
        refused = {r.reason for r in demo.checkout_refusals(code, [])}
        assert refused & {"membership_expired", "waiver_missing", "suspended"} == expected, row
    assert sum(1 for row in rows if int(row["expires_in_days"]) < 0 or row["waiver"] == "no" or row["status"]) == 3
