"""Exports: the volumes they go to, and creating, listing, downloading, checking (md5), archiving,
deleting and relaunching them. The files are made by `export_jobs` on the export worker's thread.

Rights: every call needs the Admin or Protection profile; a Protection user must also see the
export's camera. Thread-safe: state lives in the database; the runner guards its own.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from camvault.core.clock import Clock
from camvault.core.errors import BadRequest, Conflict, Forbidden, NotFound
from camvault.core.exports import Export, check_range, check_slice_type
from camvault.core.model import Profile, User
from camvault.core.rights import can_view, require_profile
from camvault.core.timefmt import format_iso_s
from camvault.services.cameras import CameraService
from camvault.services.export_jobs import ExportRunner, range_slices
from camvault.services.tasks import ProgressReporter, TaskService
from camvault.store.export_volumes import ExportVolumes, VolumeUsage, md5_of
from camvault.store.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportRequest:
    camera_id: int
    from_ms: int
    to_ms: int
    type: str = "r"
    disk_id: int | None = None
    comment: str = ""


@dataclass(frozen=True)
class ExportPage:
    items: list[Export]
    has_more: bool


class ExportService:
    def __init__(self, store: Store, volumes: ExportVolumes, cameras: CameraService, tasks: TaskService,
                 runner: ExportRunner, clock: Clock) -> None:
        self._store = store
        self._volumes = volumes
        self._cameras = cameras
        self._tasks = tasks
        self._runner = runner
        self._clock = clock

    # --- queries --------------------------------------------------------------------------------
    def disks(self, user: User) -> list[VolumeUsage]:
        require_profile(user, Profile.PROTECTION)
        return [self._volumes.usage(v) for v in self._volumes.list()]

    def list_for(self, user: User, *, camera_ids: list[int] | None, from_ms: int | None, to_ms: int | None,
                 limit: int, offset: int) -> ExportPage:
        """Exports overlapping the range, oldest first; without `camera_ids`, those of visible cameras."""
        require_profile(user, Profile.PROTECTION)
        if camera_ids is None and not user.is_admin:
            camera_ids = [c.id for c in self._store.cameras.list() if can_view(user, c.id)]
        for cam in camera_ids or ():
            if not can_view(user, cam):
                raise Forbidden(f"You have no rights on camera {cam}", key="camera_forbidden", id=cam)
        found = self._store.exports.list(camera_ids=camera_ids, from_ms=from_ms, to_ms=to_ms, limit=limit + 1,
                                         offset=offset)
        return ExportPage(found[:limit], has_more=len(found) > limit)

    def get_for(self, user: User, export_id: int) -> Export:
        require_profile(user, Profile.PROTECTION)
        export = self._store.exports.get(export_id)
        if export is None:
            raise NotFound(f"Export {export_id} not found", key="export_not_found", id=export_id)
        if not can_view(user, export.camera_id):
            raise Forbidden(f"You have no rights on camera {export.camera_id}", key="camera_forbidden",
                            id=export.camera_id)
        return export

    def file_for(self, user: User, export_id: int) -> tuple[Export, Path]:
        """The finished export file (Conflict while it is being made or after it failed)."""
        export = self._ready(self.get_for(user, export_id))
        try:
            path = self._volumes.file_path(export.disk_id, export.file_name)
        except KeyError:
            raise NotFound(f"The disk {export.disk_id} of export {export_id} is not configured any more",
                           key="export_disk_gone", id=export_id) from None
        if not path.is_file():
            log.error("export %d is done but its file %s is missing", export_id, path)
            raise NotFound(f"The file of export {export_id} is missing", key="export_file_missing", id=export_id)
        return export, path

    def md5sum(self, user: User, export_id: int) -> str:
        """Compute the md5 of the export file on disk (a `sum` task), remember it and return it."""
        _export, path = self.file_for(user, export_id)
        task_id = self._tasks.create("sum", user.id, status="running")
        try:
            digest = md5_of(path, ProgressReporter(lambda pct: self._tasks.set_progress(task_id, pct)))
        except OSError as exc:
            log.error("md5 of export %d (%s) failed: %s", export_id, path, exc)
            self._tasks.set_status(task_id, "aborted")
            raise NotFound(f"The file of export {export_id} cannot be read", key="export_file_missing",
                           id=export_id) from None
        self._tasks.set_status(task_id, "done")
        self._store.exports.update(export_id, md5=digest)
        return digest

    # --- changes --------------------------------------------------------------------------------
    def create(self, user: User, req: ExportRequest) -> Export:
        require_profile(user, Profile.PROTECTION)
        self._cameras.camera_for(user, req.camera_id)
        check_range(req.from_ms, req.to_ms)
        check_slice_type(req.type)
        if self._volumes.get(req.disk_id) is None:
            raise BadRequest(f"Unknown diskId {req.disk_id}: see GET /exports/disks", key="unknown_disk",
                             id=req.disk_id)
        slice_ids = self._recorded(req.camera_id, req.from_ms, req.to_ms, req.type)
        task_id = self._tasks.create("concat", user.id)
        export = self._store.exports.insert(Export(
            id=0, camera_id=req.camera_id, disk_id=req.disk_id, from_ms=req.from_ms, to_ms=req.to_ms, type=req.type,
            comment=req.comment, user_id=user.id, state="new", p100=0, size_bytes=0, md5=None, archived=False,
            file_name=None, task_id=task_id, created_ms=self._clock.now_ms()))
        self._runner.submit(export.id, slice_ids)
        log.info("export %d of camera %d (%s to %s) requested by %s", export.id, req.camera_id,
                 format_iso_s(req.from_ms), format_iso_s(req.to_ms), user.name)
        return export

    def relaunch(self, user: User, export_id: int) -> Export:
        """Make a failed export again (Conflict unless it failed)."""
        export = self.get_for(user, export_id)
        if export.state != "failed" or export.archived:
            raise Conflict(f"Export {export_id} has not failed; only a failed export can be relaunched",
                           key="export_not_failed", id=export_id)
        slice_ids = self._recorded(export.camera_id, export.from_ms, export.to_ms, export.type)
        task_id = self._tasks.create("concat", user.id)
        self._store.exports.update(export_id, state="new", p100=0, size_bytes=0, md5=None, file_name=None,
                                   task_id=task_id)
        self._runner.submit(export_id, slice_ids)
        log.info("export %d relaunched by %s", export_id, user.name)
        return self._store.exports.get(export_id)

    def archive(self, user: User, export_id: int) -> Export:
        """Delete the export's file and keep its row, marked archived."""
        export = self.get_for(user, export_id)
        if export.in_progress:
            raise Conflict(f"Export {export_id} is being made; wait for it or delete it",
                           key="export_in_progress", id=export_id)
        if not export.archived:
            if export.file_name:
                self._volumes.unlink(export.disk_id, export.file_name)
            self._store.exports.update(export_id, archived=True, file_name=None)
            log.info("export %d archived by %s (file deleted)", export_id, user.name)
        return self._store.exports.get(export_id)

    def delete(self, user: User, export_id: int) -> None:
        """Forget the export and delete its file; a job making it is stopped first."""
        self.get_for(user, export_id)
        self._runner.cancel(export_id)
        export = self._store.exports.get(export_id)       # fresh: the job may have published meanwhile
        self._store.exports.delete(export_id)
        if export is None:
            return
        if export.in_progress and export.task_id is not None:
            self._tasks.set_status(export.task_id, "killed")      # a queued job will not start
        if export.file_name:
            self._volumes.unlink(export.disk_id, export.file_name)
        log.info("export %d deleted by %s", export_id, user.name)

    # --- start-up -------------------------------------------------------------------------------
    def recover(self) -> None:
        """Exports a stop or crash left unfinished become failed (relaunchable); partial files go."""
        for export in self._store.exports.in_states(("new", "running")):
            self._store.exports.update(export.id, state="failed")
            log.warning("export %d was interrupted by the last stop; marked failed (relaunch it with PATCH)",
                        export.id)
        self._volumes.remove_partials()

    # --- helpers --------------------------------------------------------------------------------
    def _recorded(self, camera_id: int, from_ms: int, to_ms: int, slice_type: str) -> list[int]:
        found = range_slices(self._store, camera_id, from_ms, to_ms, slice_type)
        if not found:
            kind = "alarm" if slice_type == "a" else "regular"
            raise BadRequest(f"No {kind} recording of camera {camera_id} between {format_iso_s(from_ms)} and "
                             f"{format_iso_s(to_ms)}", key="no_recording", id=camera_id)
        return [s.id for s in found]

    @staticmethod
    def _ready(export: Export) -> Export:
        if export.archived:
            raise NotFound(f"Export {export.id} is archived: its file was deleted", key="export_archived",
                           id=export.id)
        if export.state == "failed":
            raise Conflict(f"Export {export.id} failed; relaunch it with PATCH", key="export_failed", id=export.id)
        if export.state != "done":
            raise Conflict(f"Export {export.id} is not finished yet ({export.p100}%)", key="export_in_progress",
                           id=export.id)
        return export
