"""A reader that loops on its own daemon thread until told to stop."""

from __future__ import annotations

import threading


class ThreadLoop:
    """Runs ``_run`` on a daemon thread; ``_run`` returns once ``_stop`` is set."""

    thread_name = "scan"

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        raise NotImplementedError
