"""Export jobs: the `concat` task that makes an export file, and the worker thread that runs them.

A job lists the slices of the export's range, joins them by stream copy into one Matroska file
(`video.export.concat_slices`), packs it into a zip on its volume (that zip is the export file) and
publishes it (`<name>.part` renamed once complete). Progress goes to the export (`p100`) and its
task: 0-90 % while joining, 90-99 % while packing, 100 % once published.

Threads: a `QueueWorker` (services/runner.py) runs jobs one at a time on its own thread; `submit`, `cancel` and
`pinned_slice_ids` may be called from any thread. From `submit` until its job ends, an export's
slices are pinned: retention asks `pinned_slice_ids` and skips them (DESIGN rule 3).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

import av

from camvault.core.exports import Export, overlaps
from camvault.core.model import Slice
from camvault.core.timefmt import format_iso_s
from camvault.services.tasks import ProgressReporter, TaskService
from camvault.store.export_volumes import ExportVolumes, pack_zip
from camvault.store.store import Store
from camvault.video.export import (
    ExportCancelled,
    ExportPart,
    NothingToExport,
    concat_slices,
)

log = logging.getLogger(__name__)

MAX_SLICES = 100_000
CONCAT_SHARE_PCT = 90


def range_slices(store: Store, camera_id: int, from_ms: int, to_ms: int, slice_type: str) -> list[Slice]:
    """The slices an export of this range reads: one stream (the lowest id recorded in the range),
    overlapping [from_ms, to_ms), oldest first."""
    found = [s for s in store.slices.list(camera_ids=[camera_id], from_ms=from_ms, to_ms=to_ms,
                                          slice_type=slice_type, limit=MAX_SLICES)
             if overlaps(s.start_ms, s.stop_ms, from_ms, to_ms)]
    if not found:
        return []
    stream_id = min(s.stream_id for s in found)
    return sorted((s for s in found if s.stream_id == stream_id), key=lambda s: s.start_ms)


def file_names(e: Export) -> tuple[str, str, str]:
    """(work file, zip file, video name inside the zip) of an export."""
    stamp = format_iso_s(e.from_ms).replace("-", "").replace(":", "")
    video = f"camera{e.camera_id}-{stamp}-{round((e.to_ms - e.from_ms) / 1000)}s.mkv"
    return f"export-{e.id}.mkv", f"export-{e.id}-camera{e.camera_id}-{stamp}.zip", video


class ExportRunner:
    def __init__(self, store: Store, volumes: ExportVolumes, tasks: TaskService,
                 concat: Callable = concat_slices) -> None:
        self._store = store
        self._volumes = volumes
        self._tasks = tasks
        self._concat = concat
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._lock = threading.Lock()
        self._pinned: dict[int, frozenset[int]] = {}
        self._cancelled: set[int] = set()

    def submit(self, export_id: int, slice_ids: list[int]) -> None:
        """Queue the job of an export in state `new`; its slices are pinned until the job ends."""
        with self._lock:
            self._pinned[export_id] = frozenset(slice_ids)
            self._cancelled.discard(export_id)
        self._queue.put(export_id)

    def cancel(self, export_id: int) -> None:
        """Stop the export's job if it is queued or running; once this returns it will not publish."""
        with self._lock:
            if export_id in self._pinned:
                self._cancelled.add(export_id)

    def pinned_slice_ids(self) -> set[int]:
        with self._lock:
            return set().union(*self._pinned.values())

    def run_next(self, stop: threading.Event, timeout_s: float) -> bool:
        """Run the next queued job, waiting up to `timeout_s` for one; False when none came."""
        try:
            export_id = self._queue.get(timeout=timeout_s)
        except queue.Empty:
            return False
        if export_id is None:                 # `wake`: the worker is stopping
            return False
        try:
            self.run(export_id, stop)
        except Exception:
            log.exception("export %d: job failed unexpectedly", export_id)
            current = self._store.exports.get(export_id)
            self._finish(export_id, current.task_id if current else None, "failed", "aborted")
        finally:
            with self._lock:
                self._pinned.pop(export_id, None)
                self._cancelled.discard(export_id)
        return True

    def wake(self) -> None:
        """End a `run_next` waiting for a job now (the worker stops)."""
        self._queue.put(None)

    def run(self, export_id: int, stop: threading.Event) -> None:
        export = self._store.exports.get(export_id)
        if export is None or export.state != "new" or self._is_cancelled(export_id):
            return
        self._store.exports.update(export_id, state="running", p100=0)
        if export.task_id is not None:
            self._tasks.set_status(export.task_id, "running")
        work, zip_name, _video = file_names(export)
        try:
            self._make(export, stop)
        except ExportCancelled:
            why = "deleted" if self._is_cancelled(export_id) else "interrupted by a stop"
            log.warning("export %d %s before it was finished", export_id, why)
            self._finish(export_id, export.task_id, "failed", "killed" if why == "deleted" else "aborted")
            self._volumes.unlink(export.disk_id, zip_name)
        except (NothingToExport, OSError, av.error.FFmpegError, KeyError, ValueError) as exc:
            log.error("export %d of camera %d failed: %s", export_id, export.camera_id, exc)
            self._finish(export_id, export.task_id, "failed", "aborted")
            self._volumes.unlink(export.disk_id, zip_name)
        finally:
            self._volumes.unlink(export.disk_id, work)

    def _make(self, export: Export, stop: threading.Event) -> None:
        slices = range_slices(self._store, export.camera_id, export.from_ms, export.to_ms, export.type)
        with self._lock:
            self._pinned[export.id] = self._pinned.get(export.id, frozenset()) | {s.id for s in slices}
        parts = self._parts(export, slices)
        work, zip_name, video = file_names(export)
        report = ProgressReporter(lambda pct: self._progress(export, pct), 0, CONCAT_SHARE_PCT)
        video_path = self._volumes.partial_path(export.disk_id, work)
        result = self._concat(parts, export.from_ms, export.to_ms, video_path, on_progress=report,
                              should_stop=lambda: stop.is_set() or self._is_cancelled(export.id))
        report = ProgressReporter(lambda pct: self._progress(export, pct), CONCAT_SHARE_PCT, 99)
        pack_zip(video_path, self._volumes.partial_path(export.disk_id, zip_name), video, report)
        with self._lock:                             # publish, unless deleted meanwhile (see `cancel`)
            if export.id in self._cancelled:
                raise ExportCancelled()
            size = self._volumes.publish(export.disk_id, zip_name)
            if export.task_id is not None:                # first, so whoever sees the export done sees its task done
                self._tasks.set_status(export.task_id, "done")
            self._store.exports.update(export.id, state="done", p100=100, size_bytes=size, file_name=zip_name)
        log.info("export %d of camera %d done: %d ms of video from %d slices, %d bytes", export.id,
                 export.camera_id, result.duration_ms, len(parts), size)

    def _parts(self, export: Export, slices: list[Slice]) -> list[ExportPart]:
        parts = []
        for s in slices:
            source = self._store.slice_files.media_input(s)      # a local path, or a URL into S3
            if source is not None:
                parts.append(ExportPart(source, s.start_ms))
            else:
                log.warning("export %d: slice file %s is missing (on disk and in S3); skipped", export.id, s.path)
        if not parts:
            raise NothingToExport("no slice of the range is left on disk")
        return parts

    def _progress(self, export: Export, pct: int) -> None:
        self._store.exports.update(export.id, p100=pct)
        if export.task_id is not None:
            self._tasks.set_progress(export.task_id, pct)

    def _finish(self, export_id: int, task_id: int | None, state: str, task_status: str) -> None:
        self._store.exports.update(export_id, state=state)
        if task_id is not None:
            self._tasks.set_status(task_id, task_status)

    def _is_cancelled(self, export_id: int) -> bool:
        with self._lock:
            return export_id in self._cancelled
