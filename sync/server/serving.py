"""`toolkiosk-server serve`: the app of one server process, and ``--workers N`` of them on one port.

Every process builds the same app on the same database. Nothing a request
needs is kept in a process (the pages' accounts, sessions and login failures
live in the database too), so any process may answer any request, on this
host or on another one behind the same proxy. Upkeep runs in every process,
but each turn of it is taken through a lease row in the database: once per
period across all of them.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
import threading
import uuid
from datetime import date
from typing import Any, AsyncIterator

from fastapi import FastAPI

from sync.server import open_storage
from sync.server.app import create_app
from sync.server.storage import Storage

FORGET_EVERY_S = 6 * 3600
CHECK_EVERY_S = 600          # how often a process looks whether the turn has come (another may have died)
WORKER_START_S = 60         # how long uvicorn lets a worker take to start
TARGET_ENV = "TOOLKIOSK_SERVE_TARGET"   # the database a worker process opens, set by `serve`
MAX_AHEAD_ENV = "TOOLKIOSK_SERVE_MAX_AHEAD_MS"   # and how far ahead a stamp may run


class Upkeep:
    """Forgets old borrowers once per FORGET_EVERY_S across every server process on the database."""

    def __init__(self, storage: Storage):
        self.storage = storage
        self.holder = f"{os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="upkeep", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def run_once(self) -> bool:
        """One look: forgets when this process takes the turn; True when it did."""
        if not self.storage.take_turn("forget-old-borrowers", self.holder, FORGET_EVERY_S):
            return False
        self.storage.forget_old_borrowers(date.today())
        return True

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception as exc:  # upkeep must never take the server down
                print(f"toolkiosk-server: forgetting old borrowers failed: {exc}", file=sys.stderr)
            self._stop.wait(CHECK_EVERY_S)


def build(args: argparse.Namespace, storage: Storage | None = None) -> FastAPI:
    """The whole app of one server process: sync API, pages, upkeep; closed when the server stops."""
    from sync.server.web.commands import mount_on

    storage = storage or open_storage(args.database or args.data)
    app = create_app(storage)
    web = mount_on(app, storage, args)
    upkeep = Upkeep(storage)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        # what the process built to serve (modules, the app, its routes and templates) lives as long as it does:
        # moved out of the collector's sight, it is no longer walked again and again while rounds make garbage
        gc.collect()
        gc.freeze()
        upkeep.start()
        try:
            yield
        finally:
            upkeep.stop()
            web.close()
            storage.close()

    app.router.lifespan_context = lifespan
    return app


def worker_app() -> FastAPI:
    """For uvicorn's worker processes (``factory=True``): the app on the database `serve` was given,
    with its options."""
    target = os.environ[TARGET_ENV]
    options = {"max_ahead_ms": int(os.environ[MAX_AHEAD_ENV])} if os.environ.get(MAX_AHEAD_ENV) else {}
    return build(argparse.Namespace(database=target, data=target), open_storage(target, **options))


def serve(args: argparse.Namespace, storage: Storage) -> int:
    import uvicorn

    options: dict[str, Any] = dict(host=args.host, port=args.port, log_level=args.log_level, access_log=False,
                                   server_header=False, proxy_headers=True)
    if args.workers <= 1:
        uvicorn.run(build(args, storage), **options)
        return 0
    from sync.server.web.commands import WEB_DATA_ENV, web_data_dir

    storage.close()  # the workers open their own; this process only hands out connections
    os.environ[TARGET_ENV] = str(args.database or args.data)
    if getattr(args, "max_clock_ahead", None):
        os.environ[MAX_AHEAD_ENV] = str(args.max_clock_ahead)
    os.environ[WEB_DATA_ENV] = str(web_data_dir(args))  # the folder this command would have used
    # a worker starting on a busy machine (imports, the database) may take a while to answer its first ping
    uvicorn.run("sync.server.serving:worker_app", factory=True, workers=args.workers,
                timeout_worker_healthcheck=WORKER_START_S, **options)
    return 0
