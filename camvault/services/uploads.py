"""Slice upload to S3-compatible object storage: the persistent queue's consumer, local copies
removed after `keep_local_s`, objects deleted with their slices, and the measured metrics.

`UploadService` does one unit of work per `step()` (delete a deleted slice's object, upload the
oldest due slice, remove local copies that are due); `UploadWorker` runs it on one thread. Order of
an upload: PUT (skipped when a HEAD already shows the whole object: a crash after the PUT), HEAD
confirms the size, then the row is marked uploaded; a local file is unlinked only after a fresh HEAD
matched its size. A failed upload waits `retry_initial_s * 2**attempts` (capped at `retry_max_s`)
and logs one line. Times epoch ms UTC (the service clock); durations measured with a monotonic clock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection

from camvault.core.clock import Clock
from camvault.core.model import Slice
from camvault.core.uploads import UploadMetrics
from camvault.store.object_store import ObjectStore, ObjectStoreError
from camvault.store.store import Store
from camvault.store.uploads import UploadRow

log = logging.getLogger(__name__)

RATE_WINDOW_MS = 60_000
RATE_UPLOADS = 100
BATCH = 50
IDLE_S = 5.0


class UploadService:
    """Thread-safe: hooks run on recorder/retention threads, `step` on the worker's."""

    def __init__(self, store: Store, clock: Clock, objects: ObjectStore | None, *, keep_local_s: float | None = None,
                 retry_initial_s: float = 1.0, retry_max_s: float = 300.0,
                 pinned: Callable[[], Collection[int]] = frozenset) -> None:
        self._store = store
        self._clock = clock
        self._objects = objects
        self._keep_local_ms = None if keep_local_s is None else round(keep_local_s * 1000)
        self._retry_initial_ms = round(retry_initial_s * 1000)
        self._retry_max_ms = round(retry_max_s * 1000)
        self._pinned = pinned
        self._delete_retry_at_ms = 0
        self._delete_failures = 0
        self.work = threading.Event()
        """Set when something may be due (a slice enqueued or deleted); the worker waits on it."""

    @property
    def enabled(self) -> bool:
        return self._objects is not None

    # --- hooks and startup ----------------------------------------------------------------------
    def enqueue(self, s: Slice) -> None:
        """RecordingService after-index hook: queue the slice durably."""
        self._store.uploads.enqueue(s, self._clock.now_ms())
        self.work.set()

    def forget(self, doomed: list[Slice]) -> None:
        """RecordingService after-delete hook: the slices' objects are deleted next."""
        self._store.uploads.mark_deleting(s.id for s in doomed)
        self.work.set()

    def recover(self) -> None:
        """At start, after reconciliation: queue what a crash or S3 being off left unqueued, and mark
        rows whose slice vanished for deletion."""
        orphans = self._store.uploads.mark_orphans_deleting()
        queued = self._store.uploads.enqueue_missing(self._clock.now_ms())
        if orphans or queued:
            log.info("upload queue recovery: %d slices queued, %d objects of deleted slices to delete",
                     queued, orphans)

    # --- work -----------------------------------------------------------------------------------
    def step(self) -> bool:
        """Do one unit of work; False when nothing was due."""
        return self._delete_objects() or self._upload_next() or self._remove_local_copies()

    def wait_s(self) -> float:
        """How long the worker may sleep before something falls due."""
        next_ms = self._store.uploads.next_try_ms()
        if next_ms is None:
            return IDLE_S
        return min(IDLE_S, max(0.0, (next_ms - self._clock.now_ms()) / 1000))

    def _upload_next(self) -> bool:
        row = self._store.uploads.next_due(self._clock.now_ms())
        if row is None:
            return False
        key = self._objects.key_for(row.path)
        began = time.perf_counter()
        try:
            self._put_confirmed(row, key)
        except (ObjectStoreError, OSError) as exc:
            self._failed(row, exc)
            return True
        upload_ms = max(1, round((time.perf_counter() - began) * 1000))
        if not self._store.uploads.mark_uploaded(row.id, key, self._clock.now_ms(), upload_ms):
            log.info("slice %s was deleted during its upload; its object goes too", row.path)
            self._store.uploads.mark_deleting([row.slice_id])
        return True

    def _put_confirmed(self, row: UploadRow, key: str) -> None:
        if self._objects.head_size(key) == row.size_bytes:
            log.info("slice %s was already uploaded (before a restart); not sent again", row.path)
            return
        self._objects.put_file(key, self._store.media.absolute(row.path))
        stored = self._objects.head_size(key)
        if stored != row.size_bytes:
            raise ObjectStoreError(f"object {key} holds {stored} bytes, the slice {row.size_bytes}")

    def _failed(self, row: UploadRow, exc: Exception) -> None:
        delay_ms = min(self._retry_max_ms, self._retry_initial_ms * 2 ** min(row.attempts, 30))
        self._store.uploads.mark_failed(row.id, self._clock.now_ms() + delay_ms)
        log.warning("upload of slice %s failed (attempt %d), next try in %.1f s: %s", row.path, row.attempts + 1,
                    delay_ms / 1000, exc)

    def _remove_local_copies(self) -> bool:
        if self._keep_local_ms is None:
            return False
        rows = self._store.uploads.local_removable(self._clock.now_ms() - self._keep_local_ms, BATCH)
        pinned = set(self._pinned())
        done = False
        for row in rows:
            if row.slice_id in pinned:
                continue
            try:
                confirmed = self._objects.head_size(row.object_key) == row.size_bytes
            except ObjectStoreError as exc:
                log.warning("slice %s: local copy kept, its object cannot be checked: %s", row.path, exc)
                return done
            if not confirmed:
                log.error("slice %s: its object %s is missing or differs; local copy kept, uploaded again",
                          row.path, row.object_key)
                continue
            self._store.media.unlink(row.path)
            self._store.uploads.mark_local_removed(row.id)
            done = True
        return done

    def _delete_objects(self) -> bool:
        if self._objects is None or self._clock.now_ms() < self._delete_retry_at_ms:
            return False
        rows = self._store.uploads.deleting(BATCH)
        for row in rows:
            try:
                self._objects.delete(self._objects.key_for(row.path))
            except ObjectStoreError as exc:
                self._delete_failures += 1
                delay_ms = min(self._retry_max_ms, self._retry_initial_ms * 2 ** min(self._delete_failures, 30))
                self._delete_retry_at_ms = self._clock.now_ms() + delay_ms
                log.warning("deleting the object of deleted slice %s failed, next try in %.1f s: %s", row.path,
                            delay_ms / 1000, exc)
                return False
            self._store.uploads.forget(row.id)
        self._delete_failures = 0
        return bool(rows)

    # --- metrics --------------------------------------------------------------------------------
    def metrics(self, camera_id: int) -> UploadMetrics:
        """Backlog, latest latency/size/time and the transmit rate over the last minute of uploads."""
        backlog = self._store.uploads.backlog(camera_id)
        latest_ms = self._clock.now_ms()
        recent = self._store.uploads.latest_uploads(camera_id, latest_ms - RATE_WINDOW_MS, RATE_UPLOADS)
        if not recent:
            return UploadMetrics(backlog_slices=backlog)
        last = recent[0]
        busy_ms = sum(r.upload_ms or 0 for r in recent)
        rate = sum(r.size_bytes for r in recent) * 1000 / busy_ms if busy_ms else 0.0
        return UploadMetrics(backlog_slices=backlog, latency_ms=max(0, last.uploaded_at_ms - last.stop_ms),
                             last_upload_bytes=last.size_bytes, last_upload_ms=last.upload_ms or 0,
                             transmit_rate_bytes_per_s=rate, last_uploaded_at_ms=last.uploaded_at_ms)


class UploadWorker:
    """Runs `UploadService.step` on one thread until stopped; a step that raises is logged."""

    def __init__(self, uploads: UploadService) -> None:
        self._uploads = uploads
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Recover the queue (synchronously), then upload in the background. No-op when S3 is off."""
        if not self._uploads.enabled:
            return
        self._uploads.recover()
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, name="uploads", daemon=True)
        self._thread.start()

    def run(self) -> None:
        while not self._stop.is_set():
            self._uploads.work.clear()
            try:
                busy = self._uploads.step()
            except Exception:
                log.exception("upload step failed")
                busy = False
            if not busy:
                self._uploads.work.wait(self._uploads.wait_s())

    def stop(self) -> None:
        self._stop.set()
        self._uploads.work.set()
        if self._thread is not None:
            self._thread.join(30)
            self._thread = None
