"""Playback: the feeds viewers play (live, delayed, alarm, replay) for a camera stream, checked
against the user's rights. Dialect-free; the RTSP service asks it for a feed per session.

Replay scale: npt 0 is the start of the camera's latest recorded alarm (so a plain client sees
the latest alarm first, as CamTrace's replay service does), or of its oldest kept slice when no
alarm was recorded; `clock=` positions reach any recorded time. A stream without slices of its
own replays the slices of the camera's recorded stream.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from camvault.core.alarms import AlarmFilter, alarm_stream
from camvault.core.errors import Forbidden, NotFound
from camvault.core.model import Camera, Slice, User
from camvault.core.rights import can_play_live, can_play_records
from camvault.services.alarms import AlarmService
from camvault.store.store import Store
from camvault.video.feeds import Feed
from camvault.video.feeds.alarm import AlarmFeed
from camvault.video.feeds.delayed import DelayedFeed, DelayHistories
from camvault.video.feeds.live import LiveFeed
from camvault.video.feeds.replay import Part, PartsLookup, ReplayFeed
from camvault.video.live import LiveHub, LiveStream

log = logging.getLogger(__name__)

KINDS = ("live", "delayed", "alarm", "replay")
LATEST_ALARMS = 20


@dataclass(frozen=True)
class PlaybackSettings:
    delay_s: float = 10.0                   # the delayed view's delay
    delay_max_bytes: int = 64 * 1024 * 1024 # history kept per stream viewed delayed
    post_alarm_s: float = 5.0               # an alarm's recording goes on this long after it ends


class PlaybackService:
    def __init__(self, store: Store, hub: LiveHub, alarms: AlarmService, settings: PlaybackSettings) -> None:
        self._store = store
        self._hub = hub
        self._alarms = alarms
        self._settings = settings
        self.delay_histories = DelayHistories(max_delay_s=settings.delay_s, max_bytes=settings.delay_max_bytes)

    def open(self, user: User, kind: str, camera_id: int, stream_id: int) -> Feed:
        """A new feed of `kind` for stream `camera_id.stream_id`; NotFound / Forbidden otherwise."""
        camera = self._stream_of(camera_id, stream_id)
        if kind == "replay":
            if not can_play_records(user, camera_id):
                raise Forbidden(f"You may not play the records of camera {camera_id}", key="records_forbidden")
            return self._replay(camera, stream_id)
        if not can_play_live(user, camera_id):
            raise Forbidden(f"You may not view camera {camera_id} live", key="live_forbidden")
        live = self._live(camera_id, stream_id)
        if kind == "live":
            return LiveFeed(live)
        if kind == "delayed":
            return DelayedFeed(live, self.delay_histories, self._settings.delay_s)
        if kind == "alarm":
            records = can_play_records(user, camera_id)
            return AlarmFeed(live, is_active=lambda: self._alarms.has_active_alarm(camera_id),
                             latest_replay=lambda: self._latest_alarm_replay(camera, stream_id) if records else None)
        raise ValueError(f"unknown feed kind {kind!r}")

    def last_alarm(self, user: User, camera_id: int) -> Feed:
        """The recording of the camera's latest alarm, in a loop (CamTrace's `rpStream`, `/r?id=`):
        its alarm stream's slices. Needs the records right; NotFound when nothing was recorded."""
        camera = self._store.cameras.get(camera_id)
        if camera is None:
            raise NotFound(f"Camera {camera_id} not found", key="camera_not_found", id=camera_id)
        if not can_play_records(user, camera_id):
            raise Forbidden(f"You may not play the records of camera {camera_id}", key="records_forbidden")
        stream = alarm_stream(camera) or (camera.streams[0] if camera.streams else None)
        if stream is None or self._latest_recorded_alarm(camera_id) is None:
            raise NotFound(f"No alarm recorded for camera {camera_id}", key="no_recording", id=camera_id)
        return AlarmFeed(None, is_active=lambda: False, label=f"last alarm {camera_id}",
                         latest_replay=lambda: self._latest_alarm_replay(camera, stream.stream_id))

    def records_lookup(self, user: User, camera_id: int, stream_id: int) -> PartsLookup:
        """The replay's slice selection for stream `camera_id.stream_id` (other readers of recorded
        video, e.g. the fMP4 remux); NotFound / Forbidden (records right) as `open`."""
        self._stream_of(camera_id, stream_id)
        if not can_play_records(user, camera_id):
            raise Forbidden(f"You may not play the records of camera {camera_id}", key="records_forbidden")
        return self._lookup(camera_id, stream_id)

    # --- helpers ---------------------------------------------------------------------------------
    def _stream_of(self, camera_id: int, stream_id: int) -> Camera:
        camera = self._store.cameras.get(camera_id)
        if camera is None or not any(s.stream_id == stream_id for s in camera.streams):
            raise NotFound(f"Stream {camera_id}.{stream_id} not found", key="stream_not_found")
        return camera

    def _live(self, camera_id: int, stream_id: int) -> LiveStream:
        live = self._hub.get(camera_id, stream_id)
        if live is None:
            raise NotFound(f"Stream {camera_id}.{stream_id} is not delivering", key="stream_not_found")
        return live

    def _replay(self, camera: Camera, stream_id: int) -> ReplayFeed:
        lookup = self._lookup(camera.id, stream_id)
        oldest = lookup(0, 1)
        if not oldest:
            raise NotFound(f"Nothing recorded for stream {camera.id}.{stream_id}", key="no_recording", id=camera.id)
        alarm = self._latest_recorded_alarm(camera.id)
        origin_ms = max(alarm[0], oldest[0].start_ms) if alarm else oldest[0].start_ms
        return ReplayFeed(lookup, origin_ms=origin_ms, end_ms=self._recorded_end_ms(camera.id),
                          label=f"{camera.id}.{stream_id}")

    def _latest_alarm_replay(self, camera: Camera, stream_id: int) -> ReplayFeed | None:
        alarm = self._latest_recorded_alarm(camera.id)
        if alarm is None:
            return None
        start_ms, stop_ms = alarm
        return ReplayFeed(self._lookup(camera.id, stream_id), origin_ms=start_ms, end_ms=stop_ms, stop_ms=stop_ms,
                          label=f"alarm {camera.id}.{stream_id}")

    def _latest_recorded_alarm(self, camera_id: int) -> tuple[int, int] | None:
        """(recording start, recording end) of the camera's latest ended alarm with a recording."""
        post_ms = round(self._settings.post_alarm_s * 1000)
        for alarm in self._store.alarms.list(AlarmFilter(camera_ids=[camera_id]), limit=LATEST_ALARMS):
            if alarm.record_ms is not None and alarm.end_ms is not None:
                return alarm.record_ms, alarm.end_ms + post_ms
        return None

    def _recorded_end_ms(self, camera_id: int) -> int:
        latest = self._store.slices.latest(camera_id)
        return latest.stop_ms if latest else 0

    def _lookup(self, camera_id: int, stream_id: int) -> PartsLookup:
        """Slices of the stream, or of any stream of the camera when that one has none."""
        own = self._store.slices.list(camera_ids=[camera_id], stream_id=stream_id, limit=1)
        only = stream_id if own else None
        media, files = self._store.media, self._store.slice_files

        def lookup(from_ms: int, limit: int) -> list[Part]:
            found: list[Slice] = self._store.slices.list(camera_ids=[camera_id], stream_id=only,
                                                         from_ms=from_ms or None, limit=limit)
            return [Part(files.media_input(s) or media.absolute(s.path), s.start_ms, s.stop_ms) for s in found]
        return lookup
