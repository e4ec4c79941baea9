"""Recorded video as fragmented MP4, remuxed on the fly from the MKV slices by stream copy (H.264 or
H.265, never decoded), for HTTP players (MSE in browsers, PyAV, ffmpeg).

Contract (blocking; one thread at a time, `close` from any thread):
- Slices come from a `PartsLookup` (the replay feed's slice selection, which also yields S3 URLs).
- `open()` positions on the latest keyframe at or before `from_ms` (so a seek costs at most one
  GOP), or on the first keyframe after it when `from_ms` falls before the recording. Media time 0
  is the wall time (epoch ms) of that keyframe's decode time: `start_ms`. Output timestamps are
  wall time minus `start_ms`, in ms, so several cameras' responses share one clock.
- Overlapping slices (regular and alarm recordings of a stream) are joined without repeating:
  the next file starts at its first keyframe after the last sent packet.
- A gap longer than `gap_max_ms` ends the output (cut, never compressed), as does a change of
  codec parameters or an unreadable slice; so is the first packet decoded at or after `to_ms`.
- `next_chunk()` returns the next bytes (the `ftyp`/`moov` head, then one `moof`+`mdat` fragment
  per GOP: `frag_keyframe+empty_moov+default_base_moof`), None at the end. Memory is bounded by
  one GOP (the fragment the muxer builds) plus one packet read ahead.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

import av

from camvault.video.feeds import FeedUnavailable
from camvault.video.feeds.replay import GAP_MAX_MS, Part, PartsLookup, RangeNotAvailable

log = logging.getLogger(__name__)

MOVFLAGS = "frag_keyframe+empty_moov+default_base_moof"
MS = Fraction(1, 1000)
NEXT_PARTS = 8
COVERAGE_PARTS = 100


@dataclass(frozen=True)
class Coverage:
    """What the slice rows promise from a start: recorded without a longer gap until `end_ms`
    (at most the asked end); `next_start_ms`: where recording resumes after the gap, when before the asked end."""

    end_ms: int
    next_start_ms: int | None


def coverage(lookup: PartsLookup, start_ms: int, to_ms: int, gap_max_ms: int = GAP_MAX_MS) -> Coverage:
    """Walks the slice rows (no file is opened) from `start_ms` to `to_ms`."""
    reach_ms = start_ms
    while reach_ms < to_ms:
        advanced = False
        for part in lookup(reach_ms, COVERAGE_PARTS):
            if part.start_ms >= to_ms:
                return Coverage(to_ms, None)
            if part.start_ms - reach_ms > gap_max_ms:
                return Coverage(reach_ms, part.start_ms)
            if part.stop_ms > reach_ms:
                reach_ms, advanced = part.stop_ms, True
        if not advanced:
            break
    return Coverage(min(reach_ms, to_ms), None)


@dataclass(frozen=True)
class _Packet:
    packet: av.Packet
    dts_ms: int           # wall-clock decode time
    pts_ms: int           # wall-clock presentation time
    keyframe: bool


class _SliceReader:
    """One open slice file: its video packets with wall-clock times."""

    def __init__(self, part: Part) -> None:
        self.part = part
        self.container = av.open(str(part.path))
        self.stream = self.container.streams.video[0]
        ctx = self.stream.codec_context
        self.codec_key = (ctx.name, ctx.width, ctx.height, bytes(ctx.extradata or b""))
        self._tb_ms = float(self.stream.time_base) * 1000
        self._packets = self._read()

    def _read(self) -> Iterator[_Packet]:
        for packet in self.container.demux(self.stream):
            if packet.pts is None or packet.size == 0:
                continue
            dts = packet.dts if packet.dts is not None else packet.pts
            yield _Packet(packet, self.part.start_ms + round(dts * self._tb_ms),
                          self.part.start_ms + round(packet.pts * self._tb_ms), bool(packet.is_keyframe))

    def next(self) -> _Packet | None:
        return next(self._packets, None)

    def position_at(self, at_ms: int) -> list[_Packet]:
        """Packets from the latest keyframe at or before `at_ms` to the first at or after it (the
        first keyframe when `at_ms` falls before the file's first one)."""
        if at_ms > self.part.start_ms:
            try:
                ticks = round((at_ms - self.part.start_ms) / self._tb_ms)
                self.container.seek(ticks, stream=self.stream, backward=True, any_frame=False)
                self._packets = self._read()
            except av.error.FFmpegError as exc:
                log.info("fmp4: seek in %s failed (%s); reading from its start", self.part.path, exc)
        pending: list[_Packet] = []
        while (item := self.next()) is not None:
            if item.keyframe and item.pts_ms <= at_ms:
                pending = [item]
            elif pending:
                pending.append(item)
            elif item.keyframe:
                return [item]
            if pending and item.pts_ms >= at_ms:
                break
        return pending

    def first_keyframe_after(self, after_ms: int) -> _Packet | None:
        while (item := self.next()) is not None:
            if item.keyframe and item.dts_ms > after_ms:
                return item
        return None

    def close(self) -> None:
        self.container.close()


class _Sink:
    """The muxer's output (not seekable, so the muxer never goes back): bytes since the last take."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self._chunks = b"".join(self._chunks), []
        return data


class Fmp4Remux:
    def __init__(self, lookup: PartsLookup, from_ms: int, to_ms: int, *, gap_max_ms: int = GAP_MAX_MS,
                 label: str = "") -> None:
        self._lookup = lookup
        self.from_ms = from_ms
        self.to_ms = to_ms
        self._gap_max_ms = gap_max_ms
        self.label = label
        self.start_ms: int | None = None
        self._reader: _SliceReader | None = None
        self._pending: list[_Packet] = []
        self._pending_first: _Packet | None = None
        self._last_dts_ms: int | None = None
        self._sink = _Sink()
        self._output = None
        self._out_stream = None
        self._ended = False
        self._lock = threading.Lock()
        self._close_asked = False

    def open(self) -> int:
        """Position on the first keyframe; returns `start_ms`. RangeNotAvailable when nothing
        is recorded in [from_ms, to_ms); FeedUnavailable when the slice cannot be read."""
        with self._lock:
            parts = self._lookup(self.from_ms, 1)
            if not parts or parts[0].start_ms >= self.to_ms:
                raise RangeNotAvailable(f"nothing recorded between {self.from_ms} and {self.to_ms}")
            try:
                self._reader = _SliceReader(parts[0])
                self._pending = self._reader.position_at(self.from_ms)
                if not self._pending and self._advance(self.from_ms):
                    self._pending = [self._pending_first]
            except (OSError, av.error.FFmpegError) as exc:
                self._close_locked()
                raise FeedUnavailable(f"recorded video of {self.label} cannot be read: {exc}") from exc
            if not self._pending or self._pending[0].pts_ms >= self.to_ms:
                self._close_locked()
                raise RangeNotAvailable(f"nothing recorded between {self.from_ms} and {self.to_ms}")
            self.start_ms = self._pending[0].dts_ms
            self._start_output()
            return self.start_ms

    def next_chunk(self) -> bytes | None:
        """The next bytes of the MP4 (at least one fragment, or the tail); None once all was given."""
        with self._lock:
            try:
                return self._next_chunk_locked()
            finally:
                if self._close_asked:
                    self._close_locked()

    def close(self) -> None:
        """Release the files; from any thread (a read in progress closes them when it returns)."""
        self._close_asked = True
        if self._lock.acquire(blocking=False):
            try:
                self._close_locked()
            finally:
                self._lock.release()

    # --- internals (under the lock) ----------------------------------------------------------------
    def _next_chunk_locked(self) -> bytes | None:
        if self._output is None:
            return None
        while not self._ended and not self._close_asked:
            item = self._next_packet()
            if item is None:
                self._ended = True
                break
            self._mux(item)
            data = self._sink.take()
            if data:
                return data
        self._output.close()
        self._output = None
        return self._sink.take() or None

    def _next_packet(self) -> _Packet | None:
        """The next packet to send, skipping what overlaps what was sent; None at the end."""
        while True:
            try:
                item = self._pending.pop(0) if self._pending else self._reader.next()
                if item is None:
                    if self._last_dts_ms is None or not self._advance(self._last_dts_ms):
                        return None
                    item = self._pending_first
            except (OSError, av.error.FFmpegError) as exc:
                log.error("fmp4 %s: reading %s failed: %s", self.label, self._reader.part.path, exc)
                return None
            if item.dts_ms >= self.to_ms:
                return None
            if self._last_dts_ms is None or item.dts_ms > self._last_dts_ms:
                break
        if self._last_dts_ms is not None and item.dts_ms - self._last_dts_ms > self._gap_max_ms:
            log.info("fmp4 %s: gap of %d ms after %d; the response ends there", self.label,
                     item.dts_ms - self._last_dts_ms, self._last_dts_ms)
            return None
        return item

    def _advance(self, after_ms: int) -> bool:
        """Open the next slice after `after_ms` on its first keyframe (`_pending_first`)."""
        current = self._reader.part.path if self._reader else None
        codec_key = self._reader.codec_key if self._reader else None
        for part in self._lookup(after_ms, NEXT_PARTS):
            if part.path == current or part.stop_ms <= after_ms:
                continue
            if part.start_ms - after_ms > self._gap_max_ms and self._last_dts_ms is not None:
                return False                            # a gap: cut here (the rows tell without opening)
            if self._reader is not None:
                self._reader.close()
            self._reader = _SliceReader(part)
            if codec_key is not None and self._reader.codec_key != codec_key and self._last_dts_ms is not None:
                log.info("fmp4 %s: codec parameters change in %s; the response ends there", self.label, part.path)
                return False
            first = self._reader.first_keyframe_after(after_ms)
            if first is not None:
                self._pending_first = first
                return True
            current = part.path
        return False

    def _start_output(self) -> None:
        self._output = av.open(self._sink, "w", format="mp4", options={"movflags": MOVFLAGS})
        self._out_stream = self._output.add_stream_from_template(self._reader.stream)

    def _mux(self, item: _Packet) -> None:
        packet = item.packet
        packet.stream = self._out_stream
        packet.time_base = MS
        packet.dts = item.dts_ms - self.start_ms
        packet.pts = item.pts_ms - self.start_ms
        self._output.mux(packet)
        self._last_dts_ms = item.dts_ms

    def _close_locked(self) -> None:
        if self._output is not None:
            try:
                self._output.close()
            except av.error.FFmpegError:
                pass
            self._output = None
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        self._ended = True
