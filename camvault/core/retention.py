"""Which slices retention prunes: too old first, then oldest until enough bytes are free.

Protected slices are never chosen (DESIGN rule 3). Input slices must be ordered oldest first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from camvault.core.model import Slice


@dataclass(frozen=True)
class RetentionPolicy:
    """max_age_ms per camera (None = keep forever by age) and the bytes that must stay free."""

    max_age_ms_by_camera: dict[int, int | None]
    default_max_age_ms: int | None
    min_free_bytes: int

    def max_age_ms(self, camera_id: int) -> int | None:
        return self.max_age_ms_by_camera.get(camera_id, self.default_max_age_ms)


def is_expired(s: Slice, policy: RetentionPolicy, now_ms: int) -> bool:
    """True when the slice ended longer ago than its camera's maximum age."""
    max_age_ms = policy.max_age_ms(s.camera_id)
    return max_age_ms is not None and now_ms - s.stop_ms > max_age_ms


def choose_prunable(oldest_first: Iterable[Slice], policy: RetentionPolicy, *,
                    now_ms: int, free_bytes: int) -> list[Slice]:
    """Slices to delete, in deletion order.

    Walks the candidates oldest first: an expired slice is pruned; while free space is below
    `min_free_bytes` any unprotected slice is pruned and its size counts as freed. The caller
    bounds the candidates (an indexed query of the oldest slices), so this never sees a whole table.
    """
    chosen: list[Slice] = []
    missing_bytes = policy.min_free_bytes - free_bytes
    for s in oldest_first:
        if s.protected:
            continue
        if is_expired(s, policy, now_ms) or missing_bytes > 0:
            chosen.append(s)
            missing_bytes -= s.size_bytes
    return chosen
