"""`FleetStateWorker`: applies queued put-camera-state requests in the background, oldest first.
It wakes when a request is queued (`wake()`) and polls every `interval_s` anyway (requests left by
a previous run are applied after a restart). The constructor has no side effects; `start()` runs
the thread, `stop()` ends it.
"""

from __future__ import annotations

import logging
import threading

from camvault.services.fleet import FleetService

log = logging.getLogger(__name__)


class FleetStateWorker:
    def __init__(self, fleet: FleetService, interval_s: float = 5.0) -> None:
        self._fleet = fleet
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, name="fleet-state-requests", daemon=True)
        self._thread.start()

    def run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self._fleet.apply_pending()
            except Exception:            # a database hiccup must not end the worker
                log.exception("fleet: applying state requests failed")
            self._wake.wait(self._interval_s)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(10)
