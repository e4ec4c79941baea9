"""Timeline rules: recorded and protected time ranges merged into runs, and alarm markers
clustered, so a zoomable view (minutes to weeks) gets a small answer. Pure; times are epoch ms UTC.

A run is `[start_ms, stop_ms]`. Two ranges join when the second starts at most `min_gap_ms` after
the run so far stops (overlapping and touching ranges always join). Ranges are clipped to the
asked window. Alarms of one camera closer than `min_gap_ms` to the first of a cluster become one
marker that keeps the first alarm's id, time and type and counts the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from camvault.core.errors import BadRequest

MIN_GAP_DEFAULT_MS = 1000
"""Runs closer than this are one recording (a slice boundary, a reconnect under a second)."""
MAX_ALARMS_DEFAULT = 1000
MAX_ALARMS_LIMIT = 10_000


@dataclass(frozen=True)
class TimelineQuery:
    """What a client asks: cameras (None: every visible camera), a window, a resolution."""

    camera_ids: list[int] | None
    from_ms: int
    to_ms: int
    min_gap_ms: int = MIN_GAP_DEFAULT_MS
    max_alarms: int = MAX_ALARMS_DEFAULT

    def check(self) -> None:
        if self.from_ms > self.to_ms:
            raise BadRequest("'from' must not be after 'to'", key="invalid_range")
        if self.min_gap_ms < 0:
            raise BadRequest("'minGapMs' must be a non-negative integer", key="invalid_integer", field="minGapMs")
        if not 0 < self.max_alarms <= MAX_ALARMS_LIMIT:
            raise BadRequest(f"'maxAlarms' must be an integer between 1 and {MAX_ALARMS_LIMIT}",
                             key="invalid_integer", field="maxAlarms")


@dataclass(frozen=True)
class AlarmMarker:
    id: int
    camera_id: int
    time_ms: int
    kind: str
    count: int = 1


@dataclass
class CameraTimeline:
    """One camera's view of the window; ranges per slice type ("r", "a")."""

    camera_id: int
    can_play: bool
    play_stream_id: int | None = None
    """The stream to play the camera's records from (its first `rrecord` stream, else its first)."""
    recorded: dict[str, list[list[int]]] = field(default_factory=dict)
    protected: dict[str, list[list[int]]] = field(default_factory=dict)
    alarms: list[AlarmMarker] = field(default_factory=list)


@dataclass(frozen=True)
class Timeline:
    query: TimelineQuery
    cameras: list[CameraTimeline]
    alarms_truncated: bool


class RunMerger:
    """Merges ranges fed in start order into runs (bounded by the number of runs, not of ranges)."""

    def __init__(self, from_ms: int, to_ms: int, min_gap_ms: int) -> None:
        self._from_ms = from_ms
        self._to_ms = to_ms
        self._min_gap_ms = min_gap_ms
        self.runs: list[list[int]] = []

    def add(self, start_ms: int, stop_ms: int) -> None:
        start_ms, stop_ms = max(start_ms, self._from_ms), min(stop_ms, self._to_ms)
        if stop_ms < start_ms:
            return
        last = self.runs[-1] if self.runs else None
        if last is not None and start_ms - last[1] <= self._min_gap_ms:
            last[1] = max(last[1], stop_ms)
        else:
            self.runs.append([start_ms, stop_ms])


def merge_ranges(ranges: Iterable[tuple[int, int]], *, from_ms: int, to_ms: int, min_gap_ms: int) -> list[list[int]]:
    """Ranges (any order) -> merged, clipped runs in time order."""
    merger = RunMerger(from_ms, to_ms, min_gap_ms)
    for start_ms, stop_ms in sorted(ranges):
        merger.add(start_ms, stop_ms)
    return merger.runs


def cluster_alarms(alarms: Iterable[AlarmMarker], min_gap_ms: int) -> list[AlarmMarker]:
    """Markers of one camera in time order -> clusters (first alarm of each, with a count)."""
    out: list[AlarmMarker] = []
    for alarm in alarms:
        first = out[-1] if out else None
        if first is not None and alarm.time_ms - first.time_ms < min_gap_ms:
            out[-1] = AlarmMarker(first.id, first.camera_id, first.time_ms, first.kind, first.count + alarm.count)
        else:
            out.append(alarm)
    return out
