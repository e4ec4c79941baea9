"""The Bandit `status` from node data: whether the cameras in scope record and for how long, free
and total space of the media disk, how long recording can go on at the last hour's rate before
retention must prune (`min_free_bytes` is kept free), and how many stills of the recent size fit.
Stateless over the store; times are epoch ms UTC."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from camvault.core import bandit as rules
from camvault.core.clock import Clock
from camvault.core.model import Camera
from camvault.services.ingest import IngestService
from camvault.store.bandit import BanditQueries
from camvault.store.media import MediaStore

RATE_WINDOW_MS = 3_600_000
"""The recording rate behind `remaining_time_secs` is measured over the last hour."""
DEFAULT_STILL_BYTES = 200_000
STILL_SAMPLE = 20


@dataclass(frozen=True)
class MediaStatus:
    recording_active: bool
    recording_secs: int
    memory_free_bytes: int
    memory_total_bytes: int
    remaining_time_secs: int
    """-1 when nothing was recorded in the last hour (no rate to extrapolate)."""
    remaining_photos: int
    has_position: bool


class StatusReader:
    def __init__(self, media: MediaStore, queries: BanditQueries, ingest: IngestService, clock: Clock, *,
                 slice_max_s: int, min_free_bytes: int) -> None:
        self._media = media
        self._queries = queries
        self._ingest = ingest
        self._clock = clock
        self._slice_max_s = slice_max_s
        self._min_free_bytes = min_free_bytes

    def status(self, cameras: list[Camera], scope: list[int] | None) -> MediaStatus:
        """`cameras`: those in scope; `scope`: their ids for the file queries (None: all)."""
        recording = [c for c in cameras if self._ingest.is_recording(c.id)]
        free = self._media.free_bytes()
        usable = max(0, free - self._min_free_bytes)
        now_ms = self._clock.now_ms()
        rate = self._queries.recorded_bytes_since(now_ms - RATE_WINDOW_MS) * 1000 / RATE_WINDOW_MS
        return MediaStatus(bool(recording), self._recording_secs(recording, now_ms), free,
                           shutil.disk_usage(self._media.root).total,
                           round(usable / rate) if rate > 0 else -1, usable // self._still_bytes(scope),
                           any(c.lat_deg is not None for c in cameras))

    def _recording_secs(self, recording: list[Camera], now_ms: int) -> int:
        """Seconds since the newest session of the recording cameras started, when that session is
        still growing (its last slice ended less than one slice length ago); else 0."""
        if not recording:
            return 0
        _total, rows = self._queries.video_sessions([c.id for c in recording], descending=True, offset=0, limit=1,
                                                    tolerance_ms=rules.SESSION_GAP_TOLERANCE_MS)
        if not rows:
            return 0
        camera = next(c for c in recording if c.id == rows[0].first.camera_id)
        slice_max_ms = (camera.slice_max_s or self._slice_max_s) * 1000
        growing = now_ms - rows[0].stop_ms <= slice_max_ms + rules.SESSION_GAP_TOLERANCE_MS
        return max(0, (now_ms - rows[0].first.start_ms) // 1000) if growing else 0

    def _still_bytes(self, scope: list[int] | None) -> int:
        """Mean size of the newest stills in scope (DEFAULT_STILL_BYTES without any)."""
        _total, rows = self._queries.image_files(scope, open_ms=rules.OPEN_ALARM_BURST_MS, descending=True,
                                                 offset=0, limit=STILL_SAMPLE)
        sizes = [size for size in (self._size(r.path) for r in rows) if size]
        return max(1, sum(sizes) // len(sizes)) if sizes else DEFAULT_STILL_BYTES

    def _size(self, relpath: str) -> int:
        try:
            return self._media.size(relpath)
        except OSError:
            return 0
