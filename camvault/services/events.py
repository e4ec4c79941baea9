"""In-process events between services: what happened (an alarm started or ended on cameras, a
metadata event was inserted) for whoever reacts to it (the scenario engine). Publishers do not
know their listeners.

`EventBus.publish` never blocks and never runs a handler on the publisher's thread (an ingest
thread, a request, code holding a service's lock): events are queued and one dispatcher thread
calls every handler in subscription order, event after event. A handler that raises is logged and
does not stop the others. A handler may publish or call any service (no lock of the publisher is
held). `wait_idle` lets tests and shutdown wait until every queued event was handled. Times: epoch ms.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

ALARM_STARTED = "alarm.started"
ALARM_ENDED = "alarm.ended"
METADATA = "metadata"


@dataclass(frozen=True)
class Event:
    """One happening. `kind` is one of the constants above; `camera_ids` the cameras it concerns;
    `type` a sub-type (a metadata event's type name); `data` the rest (JSON-like)."""

    kind: str
    at_ms: int
    camera_ids: tuple[int, ...] = ()
    type: str = ""
    data: dict = field(default_factory=dict, compare=False)


Handler = Callable[[Event], None]


class EventBus:
    def __init__(self) -> None:
        self._handlers: list[Handler] = []
        self._lock = threading.Lock()
        self._queue: queue.Queue[Event | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._idle = threading.Condition(self._lock)
        self._pending = 0

    def subscribe(self, handler: Handler) -> Callable[[], None]:
        """Call `handler` for every event from now on; returns the function that unsubscribes it."""
        with self._lock:
            self._handlers.append(handler)

        def unsubscribe() -> None:
            with self._lock:
                if handler in self._handlers:
                    self._handlers.remove(handler)
        return unsubscribe

    def publish(self, event: Event) -> None:
        with self._lock:
            self._pending += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="events", daemon=True)
                self._thread.start()
        self._queue.put(event)

    def wait_idle(self, timeout_s: float = 5.0) -> bool:
        """Wait until every event published so far was handled; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout_s)

    def stop(self, timeout_s: float = 5.0) -> None:
        """Handle what is queued, then stop the dispatcher (a later publish starts it again)."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout_s)

    def _run(self) -> None:
        while (event := self._queue.get()) is not None:
            with self._lock:
                handlers = list(self._handlers)
            for handler in handlers:
                try:
                    handler(event)
                except Exception:
                    log.exception("event %s: a handler failed", event.kind)
            with self._idle:
                self._pending -= 1
                self._idle.notify_all()
