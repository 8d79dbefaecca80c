"""``Storage`` on SQL: the same statements run on SQLite and PostgreSQL (see ``sync.server.db``).

``SQLStorage`` is one class made of one class per concern, each built on
``SQLCore`` (the database, the clock, shared lookups, writing events):

    SQLStorage
    ├── Libraries  libraries.py  libraries and partnerships
    ├── Devices    devices.py    invitations, enrollment, tokens, sightings, flags
    ├── Ingest     ingest.py     storing pushed events and the server's own
    │   └── Derived derived.py   settings, tools, loans, conflicts, availability
    ├── Pull       pull.py       the events a device has not seen
    ├── Photos     photos.py     tool photos
    ├── Upkeep     upkeep.py     forgetting old borrowers
    └── Jobs       jobs.py       jobs run once across server processes
"""

from __future__ import annotations

from sync.server.sqlstore.devices import Devices
from sync.server.sqlstore.ingest import Ingest
from sync.server.sqlstore.jobs import Jobs
from sync.server.sqlstore.libraries import Libraries
from sync.server.sqlstore.photos import Photos
from sync.server.sqlstore.pull import Pull
from sync.server.sqlstore.upkeep import Upkeep
from sync.server.storage import Storage


class SQLStorage(Libraries, Devices, Ingest, Pull, Photos, Upkeep, Jobs, Storage):
    pass


__all__ = ["SQLStorage"]
