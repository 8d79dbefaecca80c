"""The domain core: events, clocks, projections and rules. No Kivy, no network.

    from kiosk.ledger import Ledger
    ledger = Ledger.create(home, library="maple", name="Maple Street Tool Library")
    ledger.add_tool("MAPLE-T00001-001-X", "Cordless drill", category="Power tools > Drills")
    ledger.checkout("M-0001", ["MAPLE-T00001-001-X"])
"""

from kiosk.ledger.errors import (
    DiskFull, InvalidInput, LedgerError, NotADatabase, NotFound, NotInitialized, ReadOnly, Refusal, Refused,
    StorageError,
)
from kiosk.ledger.events import Event
from kiosk.ledger.ledger import Ledger
from kiosk.ledger.sync import SyncBatch

__all__ = [
    "DiskFull", "Event", "InvalidInput", "Ledger", "LedgerError", "NotADatabase", "NotFound", "NotInitialized",
    "ReadOnly", "Refusal", "Refused", "StorageError", "SyncBatch",
]
