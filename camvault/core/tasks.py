"""Background tasks (CamTrace "tasks"): the job types and statuses, and the task record.

Pure: no I/O. Times are epoch ms UTC; progress is a whole percentage 0..100.
"""

from __future__ import annotations

from dataclasses import dataclass

from camvault.core.errors import BadRequest

TASK_TYPES = ("concat", "postindex", "purgecam", "repaircam", "sum", "kill")
"""concat: an export file is made; purgecam: retention deleted slices; repaircam: startup
reconciliation repaired files and rows; sum: an md5 was computed; postindex/kill: CamTrace names
camvault does not run (listed so filters on them are valid)."""

TASK_STATUSES = ("new", "running", "aborted", "killed", "done")
"""new: queued; running; aborted: failed or interrupted (e.g. by a restart); killed: cancelled on
purpose (e.g. its export was deleted); done."""

FINISHED_STATUSES = ("aborted", "killed", "done")


@dataclass(frozen=True)
class Task:
    """One background job. `user_id` is None for jobs camvault starts itself (retention, repair)."""

    id: int
    type: str
    status: str
    progress_pct: int
    user_id: int | None
    user_name: str | None
    created_ms: int
    updated_ms: int


def check_task_filter(task_type: str | None, status: str | None) -> None:
    """Raise BadRequest for a type or status outside the documented values."""
    if task_type is not None and task_type not in TASK_TYPES:
        raise BadRequest(f"Invalid task type {task_type!r}: use one of {', '.join(TASK_TYPES)}",
                         key="invalid_task_type", value=task_type)
    if status is not None and status not in TASK_STATUSES:
        raise BadRequest(f"Invalid task status {status!r}: use one of {', '.join(TASK_STATUSES)}",
                         key="invalid_task_status", value=status)


def clamp_pct(fraction: float) -> int:
    """A 0..1 fraction as a whole percentage, never outside 0..100."""
    return max(0, min(100, int(fraction * 100)))
