"""Exports and protected records: their records and the rules on their time ranges.

Pure: no I/O. Times are epoch ms UTC; sizes in bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from camvault.core.errors import BadRequest
from camvault.core.model import SLICE_TYPES

EXPORT_STATES = ("new", "running", "done", "failed")
"""new: queued; running: its file is being made; done: the file is ready; failed: it could not be
made (or a restart interrupted it) and may be relaunched."""


@dataclass(frozen=True)
class Export:
    """A file made from the slices of one camera over [from_ms, to_ms], stored on an export volume
    (`disk_id` None = the default export directory) as `file_name` once done."""

    id: int
    camera_id: int
    disk_id: int | None
    from_ms: int
    to_ms: int
    type: str
    comment: str
    user_id: int | None
    state: str
    p100: int
    size_bytes: int
    md5: str | None
    archived: bool
    file_name: str | None
    task_id: int | None
    created_ms: int

    @property
    def in_progress(self) -> bool:
        return self.state in ("new", "running")


@dataclass(frozen=True)
class ProtectedRange:
    """A protected record: slices of `type` of the camera overlapping [from_ms, to_ms] are never pruned."""

    id: int
    camera_id: int
    from_ms: int
    to_ms: int
    type: str
    comment: str
    user_id: int | None
    created_ms: int


def check_range(from_ms: int, to_ms: int) -> None:
    """A range must start before it ends (BadRequest otherwise)."""
    if from_ms >= to_ms:
        raise BadRequest("'from' must be before 'to'", key="invalid_range")


def check_slice_type(slice_type: str) -> None:
    if slice_type not in SLICE_TYPES:
        raise BadRequest("type must be 'a' (alarm) or 'r' (regular)", key="invalid_slice_type", value=slice_type)


def overlaps(start_ms: int, stop_ms: int, from_ms: int, to_ms: int) -> bool:
    """True when [start_ms, stop_ms) and [from_ms, to_ms) share some time (touching is not overlapping)."""
    return start_ms < to_ms and stop_ms > from_ms
