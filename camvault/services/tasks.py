"""Tasks: the record of background jobs (export concatenation, md5 sums, retention purges, startup
repairs) with status, progress and the user who started them; listing is for admins.

Thread-safe: every call is one short database transaction; jobs on any thread report through it.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from camvault.core.clock import Clock
from camvault.core.errors import NotFound
from camvault.core.model import Slice, User
from camvault.core.rights import require_admin
from camvault.core.tasks import Task, check_task_filter, clamp_pct
from camvault.services.recordings import ReconcileReport
from camvault.store.tasks import TaskRepo

log = logging.getLogger(__name__)

KEEP_FINISHED_MS = 30 * 86_400_000
"""Finished tasks are forgotten after 30 days (retention records one task per run that deletes)."""


@dataclass(frozen=True)
class TaskPage:
    items: list[Task]
    has_more: bool


class ProgressReporter:
    """Maps a job's 0..1 fraction onto [low_pct, high_pct] and writes it when the whole percentage
    changes, at most every `min_interval_s` (the last step, `high_pct`, is always written)."""

    def __init__(self, write: Callable[[int], None], low_pct: int = 0, high_pct: int = 100, *,
                 min_interval_s: float = 0.2, monotonic_s: Callable[[], float] = time.monotonic) -> None:
        self._write, self._low, self._high = write, low_pct, high_pct
        self._min_interval_s, self._monotonic_s = min_interval_s, monotonic_s
        self._last: int | None = None
        self._last_s = float("-inf")

    def __call__(self, fraction: float) -> None:
        pct = self._low + clamp_pct(fraction) * (self._high - self._low) // 100
        now_s = self._monotonic_s()
        if pct != self._last and (pct == self._high or now_s - self._last_s >= self._min_interval_s):
            self._last, self._last_s = pct, now_s
            self._write(pct)


class TaskService:
    def __init__(self, repo: TaskRepo, clock: Clock) -> None:
        self._repo = repo
        self._clock = clock

    # --- recording jobs -------------------------------------------------------------------------
    def create(self, task_type: str, user_id: int | None, *, status: str = "new") -> int:
        check_task_filter(task_type, status)
        return self._repo.insert(task_type, status, 0, user_id, self._clock.now_ms())

    def set_status(self, task_id: int, status: str) -> None:
        check_task_filter(None, status)
        self._repo.update(task_id, self._clock.now_ms(), status=status,
                          progress_pct=100 if status == "done" else None)

    def set_progress(self, task_id: int, pct: int) -> None:
        self._repo.update(task_id, self._clock.now_ms(), progress_pct=max(0, min(100, pct)))

    def record_done(self, task_type: str, user_id: int | None = None) -> int:
        """A job that already finished (retention purge, startup repair)."""
        check_task_filter(task_type, None)
        return self._repo.insert(task_type, "done", 100, user_id, self._clock.now_ms())

    def note_purge(self, pruned: list[Slice]) -> None:
        """Retention hook: one `purgecam` task per run that deleted slices; old finished tasks are forgotten."""
        if not pruned:
            return
        task_id = self.record_done("purgecam")
        cameras = sorted({s.camera_id for s in pruned})
        log.info("task %d purgecam: %d slices of camera(s) %s", task_id, len(pruned), cameras)
        forgotten = self._repo.forget_finished_before(self._clock.now_ms() - KEEP_FINISHED_MS)
        if forgotten:
            log.info("forgot %d finished tasks older than 30 days", forgotten)

    def note_repair(self, report: ReconcileReport) -> int | None:
        """Startup reconciliation: a `repaircam` task when it repaired something (files it could not
        read are left in place and do not count)."""
        changes = {k: v for k, v in dataclasses.asdict(report).items() if v and k != "unreadable_files"}
        if not changes:
            return None
        task_id = self.record_done("repaircam")
        log.info("task %d repaircam: %s", task_id, ", ".join(f"{k}={v}" for k, v in changes.items()))
        return task_id

    def abort_unfinished(self) -> int:
        """Startup: tasks left new or running by the previous process become aborted."""
        count = self._repo.finish_unfinished("aborted", self._clock.now_ms())
        if count:
            log.warning("%d tasks interrupted by the last stop were marked aborted", count)
        return count

    # --- queries (admin) ------------------------------------------------------------------------
    def list_for(self, user: User, *, task_type: str | None, status: str | None, limit: int,
                 offset: int) -> TaskPage:
        require_admin(user)
        check_task_filter(task_type, status)
        found = self._repo.list(task_type=task_type, status=status, limit=limit + 1, offset=offset)
        return TaskPage(found[:limit], has_more=len(found) > limit)

    def get_for(self, user: User, task_id: int) -> Task:
        require_admin(user)
        return self.get(task_id)

    def get(self, task_id: int) -> Task:
        task = self._repo.get(task_id)
        if task is None:
            raise NotFound(f"Task {task_id} not found", key="task_not_found", id=task_id)
        return task
