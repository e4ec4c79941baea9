"""Recordings: indexing closed slices, listing and serving them by rights, startup reconciliation
of files and rows, and retention (by age and by free space, oldest unprotected first)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from camvault.core.clock import Clock
from camvault.core.errors import BadRequest, Conflict, Forbidden, NotFound
from camvault.core.model import Slice, User
from camvault.core.reconcile import PARTIAL_SUFFIX, plan_reconcile
from camvault.core.retention import RetentionPolicy, choose_prunable
from camvault.core.rights import can_play_records, can_view
from camvault.core.slicename import parse_slice_name
from camvault.store.slice_files import SliceSource
from camvault.store.store import Store
from camvault.video.probe import probe, salvage

log = logging.getLogger(__name__)

DAY_MS = 86_400_000
PRUNE_BATCH = 500
MAX_LIST = 10_000


@dataclass(frozen=True)
class SlicePage:
    items: list[Slice]
    has_more: bool


@dataclass(frozen=True)
class ReconcileReport:
    finished_partials: int = 0
    removed_partials: int = 0
    indexed_files: int = 0
    dropped_rows: int = 0
    unlinked_garbage: int = 0
    unreadable_files: int = 0


@dataclass
class RecordingHooks:
    """Extension points other services register on at assembly. `before_index` may return the slice
    changed (e.g. protected) and runs on recorder threads; `keep` lists slice ids retention must skip
    (exports in progress); `after_prune` hears what retention deleted. A failing hook is logged."""

    before_index: list[Callable[[Slice], Slice]] = field(default_factory=list)
    keep: list[Callable[[], Collection[int]]] = field(default_factory=list)
    after_prune: list[Callable[[list[Slice]], None]] = field(default_factory=list)
    after_index: list[Callable[[Slice], None]] = field(default_factory=list)
    """Hears each slice once its row is in (the S3 upload queue); runs on recorder threads."""
    after_delete: list[Callable[[list[Slice]], None]] = field(default_factory=list)
    """Hears every deleted slice (retention or a user's request), after its row and file are gone."""


class RecordingService:
    def __init__(self, store: Store, clock: Clock, *, retention_days: float | None, min_free_bytes: int) -> None:
        self.hooks = RecordingHooks()
        self._store = store
        self._clock = clock
        self._retention_days = retention_days
        self._min_free_bytes = min_free_bytes

    # --- indexing -------------------------------------------------------------------------------
    def add_slice(self, s: Slice) -> Slice:
        """Index a closed, published slice file (called by recorders)."""
        for hook in self.hooks.before_index:
            try:
                s = hook(s)
            except Exception:
                log.exception("slice %s: indexing hook failed; indexed as it is", s.path)
        indexed = self._store.slices.insert(s)
        for after in self.hooks.after_index:
            try:
                after(indexed)
            except Exception:
                log.exception("slice %s: after-index hook failed", indexed.path)
        return indexed

    # --- queries --------------------------------------------------------------------------------
    def list_for(self, user: User, *, camera_ids: list[int] | None, from_ms: int | None, to_ms: int | None,
                 slice_type: str | None, limit: int = MAX_LIST, offset: int = 0) -> SlicePage:
        """Slices the user may see, one page. Asking for a camera without rights is Forbidden; with
        no camera filter the list is restricted to the visible cameras."""
        if slice_type not in (None, "r", "a"):
            raise BadRequest("type must be 'a' (alarm) or 'r' (regular)", key="invalid_slice_type")
        if from_ms is not None and to_ms is not None and from_ms > to_ms:
            raise BadRequest("'from' must not be after 'to'", key="invalid_range")
        if not 0 < limit <= MAX_LIST or offset < 0:
            raise BadRequest(f"limit must be 1..{MAX_LIST} and offset >= 0", key="invalid_paging")
        visible = self._visible_cameras(user, camera_ids)
        found = self._store.slices.list(camera_ids=visible, from_ms=from_ms, to_ms=to_ms, slice_type=slice_type,
                                        limit=limit + 1, offset=offset)
        return SlicePage(found[:limit], has_more=len(found) > limit)

    def slice_file(self, user: User, camera_id: int, start_ms: int, slice_type: str) -> tuple[Slice, SliceSource]:
        """The file of the slice a download URL names (on disk or in S3)."""
        self._visible_cameras(user, [camera_id])
        if not can_play_records(user, camera_id):
            raise Forbidden(f"You may not play the records of camera {camera_id}", key="records_forbidden")
        found = self._store.slices.find(camera_id, start_ms, slice_type)
        if found is None:
            raise NotFound("Slice not found", key="slice_not_found")
        source = self._store.slice_files.locate(found)
        if source is None:
            log.error("slice %s is indexed but its file is missing", found.path)
            raise NotFound("Slice file not found", key="slice_not_found")
        return found, source

    def _visible_cameras(self, user: User, camera_ids: list[int] | None) -> list[int] | None:
        known = {c.id for c in self._store.cameras.list()}
        if camera_ids is None:
            return None if user.is_admin else sorted(c for c in known if can_view(user, c))
        for cam in camera_ids:
            if cam not in known:
                raise NotFound(f"Camera {cam} not found", key="camera_not_found", id=cam)
            if not can_view(user, cam):
                raise Forbidden(f"You have no rights on camera {cam}", key="camera_forbidden", id=cam)
        return camera_ids

    # --- reconciliation -------------------------------------------------------------------------
    def reconcile(self) -> ReconcileReport:
        """Make files and rows agree after a crash or an outside change; logs what it did."""
        media, repo = self._store.media, self._store.slices
        files = list(media.list_slice_files())
        only_in_s3 = self._store.uploads.uploaded_paths().difference(files)   # not missing: read from S3
        plan = plan_reconcile(files, (p for p in repo.iter_paths() if p not in only_in_s3), repo.garbage_paths())
        counts = dict.fromkeys(ReconcileReport.__dataclass_fields__, 0)
        for path in plan.unlink_garbage:
            media.unlink(path)
        repo.forget_garbage(repo.garbage_paths())
        counts["unlinked_garbage"] = len(plan.unlink_garbage)
        for partial in plan.finish_partials:
            final = partial[: -len(PARTIAL_SUFFIX)]
            key = "finished_partials" if self._finish_partial(partial, final) else "removed_partials"
            counts[key] += 1
        for path in plan.index_files:
            counts["indexed_files" if self._index_file(path) else "unreadable_files"] += 1
        if plan.suspicious:
            log.error("reconciliation: %d indexed slice files are missing, more than half of the index; is the "
                      "media folder %s mounted? Their rows are kept (nothing is dropped while most of the index "
                      "is missing)", len(plan.drop_rows), self._store.media.root)
        elif plan.drop_rows:
            repo.drop_rows(plan.drop_rows)
            counts["dropped_rows"] = len(plan.drop_rows)
        report = ReconcileReport(**counts)
        log.info("reconciliation: %s", ", ".join(f"{k}={v}" for k, v in counts.items()))
        return report

    def _finish_partial(self, partial: str, final: str) -> bool:
        media = self._store.media
        info = salvage(media.absolute(partial), media.absolute(final))
        media.unlink(partial)
        if info is None:
            log.warning("removed partial slice %s: nothing decodable in it", partial)
            return False
        log.info("finished partial slice %s (%d ms recovered)", final, info.duration_ms)
        return self._index_file(final)

    def _index_file(self, path: str) -> bool:
        name = parse_slice_name(path)
        info = probe(self._store.media.absolute(path)) if name else None
        if name is None or info is None:
            log.warning("slice file %s cannot be indexed (bad name or unreadable); left in place", path)
            return False
        self.add_slice(Slice(0, name.camera_id, name.stream_id, name.start_ms, name.start_ms + info.duration_ms,
                             name.type, self._store.media.size(path), path))
        return True

    # --- retention ------------------------------------------------------------------------------
    def prune_once(self) -> list[Slice]:
        """Delete what the retention rules choose; returns the pruned slices (logged)."""
        now_ms = self._clock.now_ms()
        policy = self._policy()
        candidates = {s.id: s for s in self._expired_candidates(policy, now_ms)}
        free = self._store.media.free_bytes()
        if free < policy.min_free_bytes:
            candidates.update((s.id, s) for s in self._store.slices.oldest(limit=PRUNE_BATCH))
        kept = set().union(*(keep() for keep in self.hooks.keep))
        ordered = sorted((s for s in candidates.values() if s.id not in kept), key=lambda s: (s.start_ms, s.id))
        doomed = choose_prunable(ordered, policy, now_ms=now_ms, free_bytes=free)
        if doomed:
            self._delete(doomed, now_ms)
            reasons = "age and space" if free < policy.min_free_bytes else "age"
            log.info("retention pruned %d slices (%d bytes) by %s; oldest %s", len(doomed),
                     sum(s.size_bytes for s in doomed), reasons, doomed[0].path)
            for hook in self.hooks.after_prune:
                try:
                    hook(doomed)
                except Exception:
                    log.exception("retention: after-prune hook failed")
        return doomed

    def remove(self, s: Slice) -> None:
        """Delete one slice on a user's request the way retention does (row to garbage, file
        unlinked); refused for a protected slice (Forbidden) and one an export is reading (Conflict).
        The caller checks the user's rights."""
        if s.protected:
            raise Forbidden("This recording is protected and cannot be deleted", key="slice_protected")
        if s.id in set().union(*(keep() for keep in self.hooks.keep)):
            raise Conflict("This recording is being exported; delete it later", key="slice_in_use")
        self._delete([s], self._clock.now_ms())
        log.info("slice %s deleted on request", s.path)

    def _delete(self, doomed: list[Slice], now_ms: int) -> None:
        paths = self._store.slices.move_to_garbage(doomed, now_ms)
        for path in paths:
            self._store.media.unlink(path)
        self._store.slices.forget_garbage(paths)
        for after in self.hooks.after_delete:
            try:
                after(doomed)
            except Exception:
                log.exception("retention: after-delete hook failed")

    def _policy(self) -> RetentionPolicy:
        per_camera = {c.id: round(c.retention_days * DAY_MS) for c in self._store.cameras.list()
                      if c.retention_days is not None}
        default = round(self._retention_days * DAY_MS) if self._retention_days is not None else None
        return RetentionPolicy(per_camera, default, self._min_free_bytes)

    def _expired_candidates(self, policy: RetentionPolicy, now_ms: int) -> list[Slice]:
        found: list[Slice] = []
        for camera_id in {c.id for c in self._store.cameras.list()} | set(policy.max_age_ms_by_camera):
            max_age_ms = policy.max_age_ms(camera_id)
            if max_age_ms is not None:
                found += self._store.slices.oldest(limit=PRUNE_BATCH, camera_id=camera_id,
                                                   start_before_ms=now_ms - max_age_ms)
        if policy.default_max_age_ms is not None:   # slices of cameras that were removed
            found += [s for s in self._store.slices.oldest(limit=PRUNE_BATCH,
                                                           start_before_ms=now_ms - policy.default_max_age_ms)]
        return found


class RetentionWorker:
    """Runs `prune_once` every `interval_s` until stopped."""

    def __init__(self, recordings: RecordingService, interval_s: float) -> None:
        self._recordings = recordings
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, name="retention", daemon=True)
        self._thread.start()

    def run(self) -> None:
        while not self._stop.wait(self._interval_s):
            try:
                self.prune_once()
            except Exception:
                log.exception("retention run failed")

    def prune_once(self) -> None:
        self._recordings.prune_once()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
