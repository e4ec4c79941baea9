"""Stream-copy recording of one stream into MKV slices (no decode, no re-encode).

A slice starts on a keyframe (packets before the first keyframe are dropped), is written to
`<name>.mkv.part`, and when it ends (`core.slicing.should_cut`, session end or stop) it is closed,
fsynced and renamed; only then is `on_slice` called so the service inserts its row (DESIGN rule 1).
Timestamps in each file start at 0. Called from one ingest thread; not thread-safe.
"""

from __future__ import annotations

import logging
from typing import Callable

import av

from camvault.core.model import Slice
from camvault.core.slicename import slice_relpath
from camvault.core.slicing import should_cut
from camvault.store.media import MediaStore
from camvault.video.sources.base import SourceSession

log = logging.getLogger(__name__)

MUXER_OPTIONS = {"cluster_time_limit": "1000", "flush_packets": "1"}
"""Close a Matroska cluster at least every second and hand it to the OS at once, so a crash leaves
the partial file readable up to about a second before it. The Matroska muxer holds a cluster in
memory until it ends, so flushing costs one write per cluster, not one per packet; without these
options a slice could stay 0 bytes on disk for its first seconds and be lost whole."""


class _OpenSlice:
    """The slice being written: its container, output stream and timing."""

    def __init__(self, relpath: str, container, stream, start_ms: int, base_ticks: int) -> None:
        self.relpath, self.container, self.stream = relpath, container, stream
        self.start_ms, self.base_ticks = start_ms, base_ticks
        self.end_ticks = base_ticks      # last packet's end, in source ticks
        self.last_dts: int | None = None


class SliceRecorder:
    """A packet sink writing slices of type `slice_type` for one camera stream."""

    def __init__(self, camera_id: int, stream_id: int, media: MediaStore, *, slice_max_s: int,
                 on_slice: Callable[[Slice], None], slice_type: str = "r") -> None:
        self.camera_id, self.stream_id = camera_id, stream_id
        self._media = media
        self._slice_max_ms = slice_max_s * 1000
        self._on_slice = on_slice
        self._type = slice_type
        self._session: SourceSession | None = None
        self._open: _OpenSlice | None = None
        self._tb = 0.0
        self._frame_ticks = 1
        self._last_key_ticks: int | None = None
        self._gop_ms: int | None = None

    @property
    def is_recording(self) -> bool:
        return self._open is not None

    def on_session_start(self, session: SourceSession) -> None:
        self._session = session
        self._tb = float(session.info.time_base)
        self._frame_ticks = max(1, round(1 / (session.info.fps or 25) / self._tb))
        self._last_key_ticks = self._gop_ms = None

    def on_packet(self, packet: av.Packet, wall_ms: int) -> None:
        ticks = packet.dts if packet.dts is not None else packet.pts
        if packet.is_keyframe:
            self._note_keyframe(ticks)
        if self._open is None:
            if not packet.is_keyframe:
                return
            self._start(ticks, wall_ms)
        elif should_cut(elapsed_ms=self._ms(ticks - self._open.base_ticks), is_keyframe=packet.is_keyframe,
                        gop_ms=self._gop_ms, slice_max_ms=self._slice_max_ms):
            closed = self._close()
            self._start(ticks, wall_ms)          # the next slice is on disk before the index is touched
            self._write(packet, ticks)
            self._report(closed)
            return
        self._write(packet, ticks)

    def on_session_end(self) -> None:
        self.finish()
        self._session = None

    def finish(self) -> None:
        """Close the open slice, publish the file, report it. Safe to call when none is open."""
        self._report(self._close())

    def _close(self) -> Slice | None:
        """Close and publish the open slice (file first, DESIGN rule 1); the slice to report."""
        current, self._open = self._open, None
        if current is None:
            return None
        try:
            current.container.close()
            size = self._media.publish(current.relpath)
        except (OSError, av.error.FFmpegError) as exc:
            log.error("camera %s.%s: closing slice %s failed: %s", self.camera_id, self.stream_id,
                      current.relpath, exc)
            return None
        stop_ms = current.start_ms + self._ms(current.end_ticks - current.base_ticks)
        return Slice(id=0, camera_id=self.camera_id, stream_id=self.stream_id, start_ms=current.start_ms,
                     stop_ms=stop_ms, type=self._type, size_bytes=size, path=current.relpath)

    def _report(self, closed: Slice | None) -> None:
        if closed is not None:
            self._on_slice(closed)

    def _ms(self, ticks: int) -> int:
        return round(ticks * self._tb * 1000)

    def _note_keyframe(self, ticks: int) -> None:
        if self._last_key_ticks is not None and ticks > self._last_key_ticks:
            self._gop_ms = self._ms(ticks - self._last_key_ticks)
        self._last_key_ticks = ticks

    def _start(self, ticks: int, wall_ms: int) -> None:
        relpath = slice_relpath(self.camera_id, self.stream_id, wall_ms, self._type)
        container = av.open(str(self._media.partial_path(relpath)), "w", format="matroska",
                            options=MUXER_OPTIONS)
        stream = self._session.add_output_stream(container)
        self._open = _OpenSlice(relpath, container, stream, wall_ms, ticks)

    def _write(self, packet: av.Packet, ticks: int) -> None:
        current = self._open
        if current.last_dts is not None and ticks <= current.last_dts:
            log.debug("camera %s.%s: dropping non-monotonic packet", self.camera_id, self.stream_id)
            return
        pts, dts, duration, time_base, stream = (packet.pts, packet.dts, packet.duration, packet.time_base,
                                                 packet.stream)
        base = current.base_ticks
        packet.pts = None if pts is None else pts - base
        packet.dts = None if dts is None else dts - base
        packet.stream = current.stream
        try:
            current.container.mux(packet)      # rescales pts, dts and duration to the muxer's time base
        finally:
            packet.pts, packet.dts, packet.duration, packet.time_base = pts, dts, duration, time_base
            if stream is not None:
                packet.stream = stream
        current.last_dts = ticks
        end = (pts if pts is not None else ticks) + (duration or self._frame_ticks)
        current.end_ticks = max(current.end_ticks, end)
