"""VDG Sense export jobs and their worker thread.

An export is made device by device: the device's slices of its range are joined by stream copy
into one Matroska file in the work folder (`video.export.concat_slices`, 0-10 % of the device's
progress), then copied into the export's folder through a token bucket at the export's bandwidth
(10-100 %), as `<name>.part` renamed once complete. A device that fails (e.g. its slice files are
gone) is marked failed and the next one still runs.

Cancelling (DELETE): a queued export never starts; a running one stops at the next packet or
chunk, and every file it wrote (partial or finished) is removed. A node stop fails the running
export (its partial file removed). From `submit` until its job ends, an export's slices are
pinned: retention asks `pinned_slice_ids` and skips them (DESIGN rule 3).

Threads: a `QueueWorker` (services/runner.py) runs jobs one at a time on its own thread; `submit`, `pinned_slice_ids`
may be called from any thread; progress is written under the sessions' lock.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from pathlib import Path

import av

from camvault.core.model import Slice
from camvault.core.vdg import VdgError
from camvault.services.export_jobs import range_slices
from camvault.services.vdg_sessions import DeviceJob, VdgExport, VdgSessions
from camvault.store.store import Store
from camvault.store.vdg_targets import (
    ExportCopyStopped,
    ExportTargets,
    copy_throttled,
    unique_name,
)
from camvault.video.export import (
    ExportCancelled,
    ExportPart,
    NothingToExport,
    concat_slices,
)

log = logging.getLogger(__name__)

CONCAT_SHARE_PCT = 10
WAIT_STEP_S = 0.05


def device_slices(store: Store, camera_id: int, start_ms: int, end_ms: int) -> list[Slice]:
    """The slices a device's range reads: regular recording, else alarm recording."""
    return range_slices(store, camera_id, start_ms, end_ms, "r") or range_slices(store, camera_id, start_ms,
                                                                                  end_ms, "a")


def file_name(camera_name: str, start_ms: int, end_ms: int) -> str:
    """`<camera name>_<yyyymmdd-hhnnss>_<yyyymmdd-hhnnss>.mkv` (UTC), safe characters only."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", camera_name).strip("._") or "camera"
    stamp = lambda ms: time.strftime("%Y%m%d-%H%M%S", time.gmtime(ms // 1000))
    return f"{safe[:64]}_{stamp(start_ms)}_{stamp(end_ms)}.mkv"


class VdgJobRunner:
    def __init__(self, store: Store, sessions: VdgSessions, targets: ExportTargets, work_dir: Path) -> None:
        self._store = store
        self._sessions = sessions
        self._targets = targets
        self._work_dir = work_dir
        self._queue: queue.Queue[VdgExport | None] = queue.Queue()
        self._lock = threading.Lock()
        self._pinned: dict[int, frozenset[int]] = {}

    def submit(self, export: VdgExport) -> None:
        with self._lock:
            self._pinned[export.key] = frozenset(i for d in export.devices for i in d.slice_ids)
        self._queue.put(export)

    def pinned_slice_ids(self) -> set[int]:
        with self._lock:
            return set().union(*self._pinned.values())

    def wake(self) -> None:
        self._queue.put(None)

    def clean_work(self) -> None:
        """Start-up: remove the work files a stop or crash left behind."""
        for path in self._work_dir.glob("vdg-*.mkv") if self._work_dir.is_dir() else ():
            path.unlink(missing_ok=True)

    def run_next(self, stop: threading.Event, timeout_s: float) -> bool:
        """Run the next queued export, waiting up to `timeout_s` for one; False when none came."""
        try:
            export = self._queue.get(timeout=timeout_s)
        except queue.Empty:
            return False
        if export is None:
            return False
        try:
            self.run(export, stop)
        except Exception:
            log.exception("VDG export %d: job failed unexpectedly", export.key)
            self._set(export, state="failed")
        finally:
            with self._lock:
                self._pinned.pop(export.key, None)
        return True

    def run(self, export: VdgExport, stop: threading.Event) -> None:
        if export.cancelled.is_set():
            self._set(export, state="removed")
            return
        self._set(export, state="running")
        for job in export.devices:
            try:
                self._device(export, job, stop)
            except (ExportCancelled, ExportCopyStopped):
                self._stopped(export, job)
                return
            except (NothingToExport, OSError, av.error.FFmpegError, VdgError, ValueError) as exc:
                log.error("VDG export %d, device %s failed: %s", export.key, job.device.device_id, exc)
                self._set(export, job, state="failed", error=str(exc))
        failed = any(d.state != "done" for d in export.devices)
        self._set(export, state="failed" if failed else "done")
        log.info("VDG export %d (%s) %s in %s", export.key, export.user_name, export.state, export.folder)

    def _device(self, export: VdgExport, job: DeviceJob, stop: threading.Event) -> None:
        self._set(export, job, state="running")
        d = job.device
        sources = [(self._store.slice_files.media_input(s), s.start_ms)          # a local path, or a URL into S3
                   for s in device_slices(self._store, job.camera_id, d.start_ms, d.end_ms)]
        parts = [ExportPart(source, start_ms) for source, start_ms in sources if source is not None]
        if not parts:
            raise NothingToExport("no slice of the range is left, on disk or in object storage")
        self._work_dir.mkdir(parents=True, exist_ok=True)
        work = self._work_dir / f"vdg-{export.key}-{export.devices.index(job)}.mkv"
        should_stop = lambda: stop.is_set() or export.cancelled.is_set()
        try:
            concat_slices(parts, d.start_ms, d.end_ms, work, should_stop=should_stop,
                          on_progress=lambda f: self._set(export, job, progress_pct=round(
                              CONCAT_SHARE_PCT * min(1.0, max(0.0, f)))))
            self._targets.check_inside(export.folder)
            camera = self._store.cameras.get(job.camera_id)
            name = unique_name(export.folder, file_name(camera.name if camera else d.device_id, d.start_ms, d.end_ms))
            self._set(export, job, file_name=name)
            total = max(1, work.stat().st_size)
            copy_throttled(work, export.folder, name, rate_bytes_per_s=export.bandwidth_bytes_per_s,
                           wait=lambda s: _wait(s, stop, export.cancelled),
                           on_progress=lambda n: self._set(export, job, bytes_written=n, progress_pct=(
                               CONCAT_SHARE_PCT + (100 - CONCAT_SHARE_PCT) * n // total)))
        finally:
            work.unlink(missing_ok=True)
        self._set(export, job, state="done", progress_pct=100)

    def _stopped(self, export: VdgExport, current: DeviceJob) -> None:
        if export.cancelled.is_set():
            for job in export.devices:
                if job.file_name and job.state in ("done", "running"):
                    (export.folder / job.file_name).unlink(missing_ok=True)
            self._set(export, state="removed")
            log.info("VDG export %d removed while running; its files were deleted", export.key)
            return
        self._set(export, current, state="failed", error="interrupted by a stop of the server")
        self._set(export, state="failed")
        log.warning("VDG export %d interrupted by a stop", export.key)

    def _set(self, export: VdgExport, job: DeviceJob | None = None, **fields) -> None:
        with self._sessions.lock:
            target = job if job is not None else export
            for name, value in fields.items():
                setattr(target, name, value)


def _wait(delay_s: float, *events: threading.Event) -> bool:
    """Sleep `delay_s` (0: none); True as soon as one of `events` is set."""
    deadline = time.monotonic() + delay_s
    while not any(e.is_set() for e in events):
        left_s = deadline - time.monotonic()
        if left_s <= 0:
            return False
        events[0].wait(min(left_s, WAIT_STEP_S))
    return True
