"""The sync server: an ASGI app over a storage interface, and the `toolkiosk-server` command.

    from sync.server import create_app, open_storage
    app = create_app(open_storage("./toolkiosk-data"))
"""

from sync.server.app import create_app
from sync.server.storage import Storage, open_storage

__all__ = ["Storage", "create_app", "open_storage"]
