"""The sync server: an ASGI app over a storage interface, and the `toolkiosk-server` command.

    from sync.server import create_app, open_storage
    app = create_app(open_storage("./toolkiosk-data"))
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sync.server.app import create_app
from sync.server.db import open_database
from sync.server.sqlstore import SQLStorage
from sync.server.storage import Storage


def open_storage(target: str | Path, **options: Any) -> Storage:
    """Storage in a data folder (SQLite) or at a database URL (PostgreSQL)."""
    return SQLStorage(open_database(target), **options)


__all__ = ["Storage", "create_app", "open_storage"]
