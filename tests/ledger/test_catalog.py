"""The catalog: finding tools by search or maker's code, and minting their codes."""


def test_search_finds_tools_by_prefix_of_any_word(stocked_ledger):
    stocked_ledger.add_tool("T4", "Hedge trimmer", brand="Bosch", keywords="cordless battery")
    assert {t["code"] for t in stocked_ledger.search_tools("cord")} == {"T1", "T4"}
    assert [t["code"] for t in stocked_ledger.search_tools("bosch hed")] == ["T4"]
    assert [t["code"] for t in stocked_ledger.search_tools("garden")] == ["T2"]
    assert stocked_ledger.search_tools("   ") == []
    stocked_ledger.edit_tool("T4", name="Leaf blower")
    assert stocked_ledger.search_tools("hedge") == []


def test_maker_code_finds_a_tool_as_upc_or_ean(stocked_ledger):
    stocked_ledger.edit_tool("T2", maker_code="012345678905")
    assert stocked_ledger.find_tool("012345678905")["code"] == "T2"
    assert stocked_ledger.find_tool("0012345678905")["code"] == "T2"
    assert stocked_ledger.find_tool("T1")["name"] == "Cordless drill"
    assert stocked_ledger.find_tool("999") is None


def test_minted_codes_never_repeat_on_a_kiosk(fresh_ledger):
    first = fresh_ledger.mint_codes("tool", 3)
    second = fresh_ledger.mint_codes("tool", 3)
    assert len(set(first + second)) == 6
    assert all(c.startswith("MAPLE-T") for c in first)
    tool = fresh_ledger.add_tool(None, "Jigsaw")
    assert tool["code"] not in first + second
