"""Alarm recording of one stream (the camera's `arecord` stream): a packet sink that always keeps a
pre-alarm buffer in memory and, while an alarm holds it, records type `a` slices by stream copy,
starting with the buffered GOPs so the recording begins `pre_alarm_ms` (rounded down to a
keyframe) before the alarm.

Threads: packets arrive on the stream's ingest thread, which alone writes; `hold()` and
`release()` come from any thread (motion on another stream, an HTTP trigger) and only set the
wanted state under a lock; the ingest thread acts on it at the next packet. `on_started` is called
on the ingest thread without the lock held. Times are wall-clock epoch ms.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import av

from camvault.core.model import Slice
from camvault.store.media import MediaStore
from camvault.video.prealarm import PacketRing
from camvault.video.recorder import SliceRecorder
from camvault.video.sources.base import SourceSession

log = logging.getLogger(__name__)


class AlarmRecorderSink:
    """Pre-alarm buffer + `SliceRecorder(slice_type="a")` for one camera stream."""

    def __init__(self, camera_id: int, stream_id: int, media: MediaStore, *, pre_alarm_ms: int,
                 buffer_max_bytes: int, slice_max_s: int, on_slice: Callable[[Slice], None],
                 on_started: Callable[[int], None] | None = None) -> None:
        self.camera_id, self.stream_id = camera_id, stream_id
        self._ring = PacketRing(pre_alarm_ms=pre_alarm_ms, max_bytes=buffer_max_bytes,
                                label=f"{camera_id}.{stream_id}")
        self._recorder = SliceRecorder(camera_id, stream_id, media, slice_max_s=slice_max_s, on_slice=on_slice,
                                       slice_type="a")
        self._on_started = on_started
        self._lock = threading.Lock()
        self._wanted = False
        self._stop_at_ms: int | None = None      # record until this wall time (post-alarm), None: on
        self._pending_ms: int | None = None      # the buffered keyframe `hold()` promised to start from
        self._run_start_ms: int | None = None    # start of the recording being written

    @property
    def is_recording(self) -> bool:
        return self._run_start_ms is not None

    @property
    def buffered_ms(self) -> int:
        with self._lock:
            return self._ring.span_ms

    # --- control (any thread) -------------------------------------------------------------------
    def hold(self) -> tuple[int | None, bool]:
        """Record from now on until `release()`. Returns (start of the recording, joined): the
        recording already running (joined=True), or the buffered keyframe the new one will start
        from; start None when nothing is buffered (it then starts at the next keyframe)."""
        with self._lock:
            self._wanted, self._stop_at_ms = True, None
            if self._run_start_ms is not None:
                return self._run_start_ms, True
            if self._pending_ms is None:
                self._pending_ms = self._ring.start_ms()
            return self._pending_ms, False

    def release(self, stop_at_ms: int) -> None:
        """Stop recording once the video reaches `stop_at_ms` (the post-alarm time)."""
        with self._lock:
            if self._wanted:
                self._stop_at_ms = stop_at_ms

    # --- packet sink (ingest thread) ------------------------------------------------------------
    def on_session_start(self, session: SourceSession) -> None:
        with self._lock:
            self._ring.clear()
            self._pending_ms = None
            self._recorder.on_session_start(session)

    def on_packet(self, packet: av.Packet, wall_ms: int) -> None:
        started = None
        with self._lock:
            try:
                if self._wanted and self._stop_at_ms is not None and wall_ms >= self._stop_at_ms:
                    self._stop_locked()
                if self._wanted and self._run_start_ms is None:
                    started = self._begin_locked(packet, wall_ms)
                if self._run_start_ms is not None:
                    self._recorder.on_packet(packet, wall_ms)
            except (av.error.FFmpegError, OSError) as exc:   # never let it stop the stream's ingest
                log.error("camera %s.%s: alarm recording failed: %s", self.camera_id, self.stream_id, exc)
                self._stop_locked()
                started = None
            self._ring.append(packet, wall_ms)
        if started is not None and self._on_started is not None:
            try:
                self._on_started(started)
            except Exception:               # never let the bookkeeping stop the stream's ingest
                log.exception("camera %s.%s: reporting the alarm recording start failed", self.camera_id,
                              self.stream_id)

    def on_session_end(self) -> None:
        """The slice being written is finished; an alarm still active records again from the next
        session's first keyframe."""
        with self._lock:
            self._recorder.on_session_end()
            self._run_start_ms = self._pending_ms = None
            self._ring.clear()

    def _begin_locked(self, packet: av.Packet, wall_ms: int) -> int | None:
        """Start the recording with the buffered GOPs (or with this packet if it is a keyframe and
        nothing is buffered); returns its start, None if it must wait for a keyframe."""
        start_ms = self._pending_ms if self._pending_ms is not None else self._ring.start_ms(wall_ms)
        self._pending_ms = None
        if start_ms is not None:
            for buffered in self._ring.packets_from(start_ms):
                self._recorder.on_packet(buffered.to_packet(), buffered.wall_ms)
            if self._recorder.is_recording:
                self._run_start_ms = start_ms
                return start_ms
            log.warning("camera %s.%s: pre-alarm buffer unusable; alarm recording starts at the next keyframe",
                        self.camera_id, self.stream_id)
        if packet.is_keyframe:
            self._run_start_ms = wall_ms
            return wall_ms
        return None

    def _stop_locked(self) -> None:
        self._recorder.finish()
        self._wanted = False
        self._stop_at_ms = self._pending_ms = self._run_start_ms = None
