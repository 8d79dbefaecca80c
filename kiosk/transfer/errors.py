"""Why a file cannot be imported at all; raised before anything is written.

InvalidInput                (kiosk.ledger)
├── UnreadableFile          not a CSV text file: binary, empty, undecodable, broken quoting
└── UnknownLayout           a CSV file whose header fits no known layout, or not the one asked for

A file that can be read but has bad rows raises nothing: the rows are listed
in the ImportReport with their line numbers.
"""

from __future__ import annotations

from kiosk.ledger import InvalidInput


class UnreadableFile(InvalidInput):
    pass


class UnknownLayout(InvalidInput):
    pass
