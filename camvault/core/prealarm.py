"""Pre-alarm buffer rules, pure: which buffered GOP an alarm recording starts from, which GOPs the
buffer no longer needs, and which it must drop to stay within its memory budget.

The buffer holds whole GOPs (a recording must start on a keyframe), each known by its keyframe's
wall time (epoch ms) and its size in bytes, oldest first.
"""

from __future__ import annotations

from collections.abc import Sequence


def start_gop(keyframes_ms: Sequence[int], newest_ms: int, pre_alarm_ms: int) -> int | None:
    """Index of the GOP an alarm recording starting now (`newest_ms`) begins with: the latest one
    whose keyframe is at least `pre_alarm_ms` old, else the oldest (less pre-alarm than wanted,
    e.g. just after connecting). None when the buffer is empty."""
    if not keyframes_ms:
        return None
    chosen = 0
    for index, keyframe_ms in enumerate(keyframes_ms):
        if keyframe_ms <= newest_ms - pre_alarm_ms:
            chosen = index
        else:
            break
    return chosen


def needless_gops(keyframes_ms: Sequence[int], newest_ms: int, pre_alarm_ms: int) -> int:
    """How many of the oldest GOPs no future recording can start from (all before `start_gop`)."""
    return start_gop(keyframes_ms, newest_ms, pre_alarm_ms) or 0


def gops_over_budget(gop_bytes: Sequence[int], max_bytes: int) -> int:
    """How many of the oldest GOPs to drop so the rest fits in `max_bytes`. The newest GOP is the
    last to go: it is dropped too only when it alone exceeds the budget."""
    total = sum(gop_bytes)
    dropped = 0
    while total > max_bytes and dropped < len(gop_bytes):
        total -= gop_bytes[dropped]
        dropped += 1
    return dropped
