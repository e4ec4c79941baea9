"""Recorded playback for HTTP clients: a stream's recordings over [from_ms, to_ms) as fragmented
MP4 remuxed on the fly (`video/fmp4.py`), with the wall-clock facts a player needs before the
first byte: `start_ms` (media time 0), `end_ms` (where this answer ends: the asked end, or a gap
in the recording) and `next_start_ms` (where recording resumes after that gap, if before the end).

Slice selection and rights are the replay feed's (`PlaybackService.records_lookup`: the records
right on the camera; a stream without slices of its own plays the camera's recorded stream).
Opening reads the first slice (blocking: call it from a worker thread).
"""

from __future__ import annotations

from dataclasses import dataclass

from camvault.core.errors import BadRequest, NotFound
from camvault.core.model import User
from camvault.services.playback import PlaybackService
from camvault.video.feeds import FeedUnavailable
from camvault.video.feeds.replay import GAP_MAX_MS
from camvault.video.fmp4 import Fmp4Remux, coverage


@dataclass(frozen=True)
class RecordedMp4:
    """An opened answer: read `remux.next_chunk()` until None, then (or on abort) `remux.close()`."""

    remux: Fmp4Remux
    start_ms: int
    end_ms: int
    next_start_ms: int | None


class RecordedMp4Service:
    def __init__(self, playback: PlaybackService, *, gap_max_ms: int = GAP_MAX_MS) -> None:
        self._playback = playback
        self._gap_max_ms = gap_max_ms

    def open(self, user: User, camera_id: int, stream_id: int, from_ms: int, to_ms: int) -> RecordedMp4:
        """NotFound (unknown stream, nothing recorded in the range), Forbidden (no records right),
        BadRequest (an empty range)."""
        if from_ms >= to_ms:
            raise BadRequest("'from' must be before 'to'", key="invalid_range")
        lookup = self._playback.records_lookup(user, camera_id, stream_id)
        remux = Fmp4Remux(lookup, from_ms, to_ms, gap_max_ms=self._gap_max_ms, label=f"{camera_id}.{stream_id}")
        try:
            start_ms = remux.open()
        except FeedUnavailable as exc:
            raise NotFound(f"No recording of camera {camera_id} in this range ({exc.reason})",
                           key="no_recording", id=camera_id) from None
        reach = coverage(lookup, start_ms, to_ms, self._gap_max_ms)
        return RecordedMp4(remux, start_ms, reach.end_ms, reach.next_start_ms)
