"""VDG Sense `exportVideo` and `getExportVideoStatus`: check a request against the node, the
cameras, the recordings and the target folder (each refusal is its VDG result code), queue the
export in the caller's API session and report its progress.

The server id is the node's UUID (the licence's `uuid`), a device id a camera's UUID (both compared
case-insensitively). A user may export a camera only with the records right on it; any other camera
is "no device" (-2), as if it did not exist. Every call needs the licence's `api` module.
Thread-safe: state lives in `VdgSessions` and the job runner.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from camvault.core.clock import Clock
from camvault.core.model import Camera, User
from camvault.core.rights import can_play_records
from camvault.core.vdg import (
    GENERIC,
    NO_DEVICE,
    NO_DISK_SPACE,
    NO_EXPORT_ID,
    NO_SERVER,
    NO_VIDEO,
    DeviceRange,
    ExportSpec,
    VdgError,
    format_timestamp,
)
from camvault.services.runner import QueueWorker
from camvault.services.vdg_jobs import VdgJobRunner, device_slices
from camvault.services.vdg_sessions import DeviceJob, ExportStatus, VdgSessions
from camvault.store.store import Store
from camvault.store.vdg_targets import ExportTargets, free_bytes

log = logging.getLogger(__name__)

ESTIMATE_MARGIN = 1.1
ESTIMATE_SLACK_BYTES = 1 << 20


@dataclass(frozen=True)
class VdgSettings:
    session_idle_s: float
    min_free_bytes: int
    work_dir: Path


class VdgExportService:
    def __init__(self, store: Store, targets: ExportTargets, clock: Clock, settings: VdgSettings, *,
                 node_uuid: Callable[[], str | None], licensed: Callable[[], bool]) -> None:
        self._store = store
        self._targets = targets
        self._clock = clock
        self._settings = settings
        self._node_uuid = node_uuid
        self._licensed = licensed
        self.sessions = VdgSessions(clock, settings.session_idle_s)
        self.runner = VdgJobRunner(store, self.sessions, targets, settings.work_dir)
        self.worker = QueueWorker(self.runner, "vdg-exports", before_start=self.runner.clean_work)

    def check_licence(self) -> None:
        if not self._licensed():
            raise VdgError(GENERIC, "This function requires an API licence: the licence's active_modules "
                           "lack 'api'", http_status=403)

    def pinned_slice_ids(self) -> set[int]:
        return self.runner.pinned_slice_ids()

    # --- exportVideo --------------------------------------------------------------------------------
    def create(self, user: User, session: str, spec: ExportSpec) -> int:
        """Check and queue an export; returns its id in `session`."""
        node = (self._node_uuid() or "").lower()
        jobs = [self._device_job(user, node, d) for d in spec.devices]
        folder = self._targets.folder(spec.path)
        needed = sum(j.estimate_bytes for j in jobs)
        free = free_bytes(folder)
        if needed + self._settings.min_free_bytes > free:
            raise VdgError(NO_DISK_SPACE, f"Not enough disk space in {spec.path}: about {needed} bytes needed "
                           f"(keeping {self._settings.min_free_bytes} free), {free} available")
        export = self.sessions.add(session, user_name=user.name, folder=folder, devices=jobs,
                                   bandwidth_bytes_per_s=spec.bandwidth_bytes_per_s, created_ms=self._clock.now_ms())
        self.runner.submit(export)
        log.info("VDG export %d (id %d of %s) of %d devices to %s requested, bandwidth %s", export.key, export.id,
                 user.name, len(jobs), folder, spec.bandwidth_bytes_per_s or "unlimited")
        return export.id

    def _device_job(self, user: User, node: str, d: DeviceRange) -> DeviceJob:
        if d.server_id.lower() != node:
            raise VdgError(NO_SERVER, f"No server with id {d.server_id}")
        camera = self._camera(user, d.device_id)
        slices = device_slices(self._store, camera.id, d.start_ms, d.end_ms)
        if not slices:
            raise VdgError(NO_VIDEO, f"No video of device {d.device_id} between {format_timestamp(d.start_ms)} "
                           f"and {format_timestamp(d.end_ms)}")
        return DeviceJob(d, camera.id, tuple(s.id for s in slices), _estimate_bytes(slices, d))

    def _camera(self, user: User, device_id: str) -> Camera:
        wanted = device_id.lower()
        camera = next((c for c in self._store.cameras.list() if c.uuid.lower() == wanted), None)
        if camera is None or not can_play_records(user, camera.id):
            raise VdgError(NO_DEVICE, f"No device found with id {device_id}")
        return camera

    def delete(self, user: User, session: str, export_id: int | None) -> None:
        """Remove an export of `session`: a pending one never runs, a running one stops and its files
        go; a finished one is only forgotten (its files stay)."""
        if export_id is None:
            raise VdgError(NO_EXPORT_ID, "No exportid given: DELETE /command?command=exportVideo&exportid=N")
        export = self.sessions.get(session, export_id)
        if export is None:
            raise VdgError(GENERIC, f"No export with id {export_id} in this API session", http_status=404)
        export.cancelled.set()
        self.sessions.forget(export)
        log.info("VDG export %d (id %d) removed by %s while %s", export.key, export_id, user.name, export.state)

    # --- getExportVideoStatus -----------------------------------------------------------------------
    def status(self, session: str, export_id: int | None) -> list[ExportStatus]:
        """The exports of `session` (all, or the one asked for), oldest first."""
        if export_id is None:
            return [self.sessions.snapshot(e) for e in self.sessions.listed(session)]
        export = self.sessions.get(session, export_id)
        if export is None:
            raise VdgError(GENERIC, f"No export with id {export_id} in this API session", http_status=404)
        return [self.sessions.snapshot(export)]


def _estimate_bytes(slices, d: DeviceRange) -> int:
    """Bytes the device's file will take: each slice's size in proportion to its part of the range."""
    total = 0.0
    for s in slices:
        overlap_ms = min(s.stop_ms, d.end_ms) - max(s.start_ms, d.start_ms)
        total += s.size_bytes * max(0, overlap_ms) / max(1, s.duration_ms)
    return round(total * ESTIMATE_MARGIN) + ESTIMATE_SLACK_BYTES
