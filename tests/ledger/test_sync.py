"""The ledger's side of sync: applying what a server sends back."""

from kiosk.ledger import SyncBatch


def test_a_kiosk_restored_from_a_backup_continues_its_sequence_after_its_own_events_return(tmp_path):
    import shutil

    from kiosk.ledger import Ledger

    home = tmp_path / "home"
    ledger = Ledger.create(home, library="maple", name="Maple")
    ledger.add_tool("T1", "Saw")
    ledger.close()
    shutil.copytree(home, tmp_path / "backup")
    ledger = Ledger.open(home)
    ledger.add_tool("T2", "Drill")              # written after the backup, and synced
    later = ledger.events()[-1:]
    ledger.close()

    restored = Ledger.open(tmp_path / "backup")   # the SD card died; the backup goes in
    restored.apply_sync(SyncBatch(acks={}, events=later, meta={}))
    restored.add_tool("T3", "Ladder")
    sequences = [e.seq for e in restored.events() if e.device == restored.device["id"]]
    assert sequences == list(range(1, len(sequences) + 1))
    assert {t["code"] for t in restored.list_tools()} == {"T1", "T2", "T3"}
