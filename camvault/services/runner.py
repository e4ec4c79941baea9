"""Background threads owned by one service: `BackgroundRunner`, a small pool for work a request or an
event handler must not wait for (running a command's URLs, a scenario's actions); `QueueWorker`, one
thread running a job queue's jobs one at a time (CamTrace and VDG exports).

The constructor has no side effects; `start()` makes the threads, `stop()` drops the jobs not
started yet, sets `stopping` (long waits inside a job should use `stopping.wait(s)` so they end at
once) and joins the threads. A job that raises is logged and does not stop the others.
`wait_idle` lets tests wait until every submitted job has finished.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Protocol

log = logging.getLogger(__name__)


class BackgroundRunner:
    def __init__(self, name: str, *, workers: int = 4) -> None:
        self._name = name
        self._workers = workers
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._pending = 0
        self._executor: ThreadPoolExecutor | None = None
        self.stopping = threading.Event()

    def start(self) -> None:
        with self._lock:
            if self._executor is None:
                self.stopping.clear()
                self._executor = ThreadPoolExecutor(self._workers, thread_name_prefix=self._name)

    def submit(self, what: str, job: Callable[[], object]) -> bool:
        """Run `job` on a worker thread; False (and a log line) when the runner is not started."""
        with self._lock:
            executor = self._executor
            if executor is None:
                log.error("%s: not running, %s dropped", self._name, what)
                return False
            self._pending += 1
        try:
            future = executor.submit(self._run, what, job)
        except RuntimeError:                       # shut down meanwhile
            self._done()
            log.error("%s: stopping, %s dropped", self._name, what)
            return False
        future.add_done_callback(self._cancelled)
        return True

    def wait_idle(self, timeout_s: float = 10.0) -> bool:
        """Wait until every submitted job has finished; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout_s)

    def stop(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        self.stopping.set()
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _run(self, what: str, job: Callable[[], object]) -> None:
        try:
            job()
        except Exception:
            log.exception("%s: %s failed", self._name, what)
        finally:
            self._done()

    def _cancelled(self, future: Future) -> None:
        if future.cancelled():
            self._done()

    def _done(self) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()


class JobQueue(Protocol):
    def run_next(self, stop: threading.Event, poll_s: float) -> object:
        """Run the next queued job, or wait for one at most `poll_s`."""
        ...

    def wake(self) -> None:
        """End a `run_next` wait now (a job was queued, or the worker stops)."""
        ...


class QueueWorker:
    """Runs `queue`'s jobs one at a time on its own thread until stopped; `before_start` runs first
    (e.g. cleaning what a crash left)."""

    def __init__(self, queue: JobQueue, name: str, *, poll_s: float = 0.5,
                 before_start: Callable[[], None] | None = None) -> None:
        self._queue = queue
        self._name = name
        self._poll_s = poll_s
        self._before_start = before_start
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        if self._before_start is not None:
            self._before_start()
        self._thread = threading.Thread(target=self.run, name=self._name, daemon=True)
        self._thread.start()

    def run(self) -> None:
        while not self._stop.is_set():
            self._queue.run_next(self._stop, self._poll_s)

    def stop(self) -> None:
        self._stop.set()
        self._queue.wake()
        if self._thread is not None:
            self._thread.join(30)
