"""Guard tours running on the node: `TourWorker` visits a tour's presets in order on its own thread.

A worker is started by the PTZ service and stopped by it (any other command on the camera, a change
to the tour, the node stopping). Errors moving to a preset end the tour with a log line.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable

from camvault.core.errors import DomainError
from camvault.core.ptz import Tour
from camvault.video.ptz.base import PtzDeviceError

log = logging.getLogger(__name__)


class TourWorker:
    """Visits a tour's presets in order, `dwell_s` at each, round and round until `stop()` or a
    failure (logged). `goto(preset_id)` moves the camera; with `at_first_step` the camera is already
    at the first preset (the caller moved it), so the worker starts by dwelling there. Constructor
    has no side effects."""

    def __init__(self, tour: Tour, goto: Callable[[str], None], *, at_first_step: bool = False) -> None:
        self.tour = tour
        self._goto = goto
        self._at_first_step = at_first_step
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name=f"ptz-tour-{self.tour.camera_id}", daemon=True)
        self._thread.start()

    def run(self) -> None:
        skip_goto = self._at_first_step
        while not self._stop.is_set():
            for step in self.tour.steps:
                if self._stop.is_set():
                    return
                try:
                    if not skip_goto:
                        self._goto(step.preset_id)
                except (DomainError, PtzDeviceError) as exc:
                    log.error("camera %s: tour %s stopped at preset %s: %s", self.tour.camera_id,
                              self.tour.tour_id, step.preset_id, getattr(exc, "message", exc))
                    return
                skip_goto = False
                if self._stop.wait(step.dwell_s):
                    return

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stop.is_set()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout_s)
            if self._thread.is_alive():
                log.error("camera %s: tour %s did not stop within %.0f s", self.tour.camera_id,
                          self.tour.tour_id, timeout_s)
