"""Replay from recorded slices: a seekable feed over the slice files of one stream, read by stream
copy (never decoded) and paced in real time.

Positions are wall-clock epoch ms. The npt scale of a replay feed has 0 at its `origin_ms`. A seek
starts on the latest keyframe at or before the asked time (so within one GOP), or on the first
keyframe after it when the time falls in a gap. Slices that overlap (regular and alarm
recordings) are joined without repeating: the next file starts at its first keyframe after what
was sent. A gap longer than `GAP_MAX_MS` between two packets is skipped at once and left out of
the output timestamps, which stay continuous. Reads run in the event loop's default executor.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import av

from camvault.video import nal
from camvault.video.feeds import Feed, FeedUnavailable, PlayRange, PlayStart
from camvault.video.live import CodecInfo, LivePacket, annexb_codec
from camvault.video.rtsp import codecs

log = logging.getLogger(__name__)

GAP_MAX_MS = 1000
GAP_FRAME_MS = 40
READ_AHEAD_MS = 1500
NEXT_PARTS = 8


@dataclass(frozen=True)
class Part:
    """One slice file (a path, or a URL PyAV reads) and its wall-clock span (its timestamp 0 is at `start_ms`)."""

    path: Path | str
    start_ms: int
    stop_ms: int


PartsLookup = Callable[[int, int], list[Part]]
"""(from_ms, limit) -> parts that end after `from_ms`, ordered by start."""


class RangeNotAvailable(FeedUnavailable):
    """Nothing is recorded at or after the asked time."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)


@dataclass(frozen=True)
class _Item:
    pace_ms: int          # decode-order wall time, for pacing
    wall_ms: int          # presentation wall time
    pts_90k: int          # presentation time on the wall clock, in 90 kHz ticks
    packet: LivePacket
    gap_ms: int = 0       # skipped gaps before it, left out of pacing and output timestamps


class _PartReader:
    """One open slice file (blocking). `start_ms`: begin on the latest keyframe at or before it;
    `after_ms`: begin on the first keyframe after it."""

    def __init__(self, part: Part) -> None:
        self.part = part
        self._container = av.open(str(part.path))
        stream = self._container.streams.video[0]
        ctx = stream.codec_context
        self.codec = annexb_codec(CodecInfo(ctx.name, ctx.width, ctx.height, ctx.extradata))
        self._nal_size = nal.length_size(ctx.name, ctx.extradata)
        self._param_units = codecs.parameter_set_units(ctx.name, ctx.extradata)
        self._stream = stream
        self._tb_s = float(stream.time_base)
        self._packets = self._container.demux(stream)

    def position_at(self, start_ms: int) -> list[_Item]:
        """The items from the latest keyframe at or before `start_ms` to the first at or after it."""
        if start_ms > self.part.start_ms:
            try:
                ticks = round((start_ms - self.part.start_ms) / 1000 / self._tb_s)
                self._container.seek(ticks, stream=self._stream, backward=True, any_frame=False)
            except av.error.FFmpegError as exc:
                log.info("replay: seek in %s failed (%s); reading from its start", self.part.path, exc)
        pending: list[_Item] = []
        for item in self._items():
            if item.packet.keyframe and item.wall_ms <= start_ms:
                pending = [item]
            elif pending:
                pending.append(item)
            elif item.packet.keyframe:
                return [item]                              # start_ms falls before this file's first keyframe
            if pending and item.wall_ms >= start_ms:
                return pending
        return pending

    def position_after(self, after_ms: int) -> list[_Item]:
        for item in self._items():
            if item.packet.keyframe and item.pace_ms > after_ms:
                return [item]
        return []

    def read(self, count: int) -> list[_Item]:
        out = []
        for item in self._items():
            out.append(item)
            if len(out) >= count:
                break
        return out

    def _items(self):
        for packet in self._packets:
            if packet.pts is None or packet.size == 0:
                continue
            data = nal.to_annexb(bytes(packet), self._nal_size)
            if packet.is_keyframe and self._param_units:
                data = nal.with_parameter_sets(data, self._param_units)
            wall_ms = self.part.start_ms + round(packet.pts * self._tb_s * 1000)
            dts = packet.dts if packet.dts is not None else packet.pts
            pts_90k = self.part.start_ms * 90 + round(packet.pts * self._tb_s * 90000)
            yield _Item(self.part.start_ms + round(dts * self._tb_s * 1000), wall_ms, pts_90k,
                        LivePacket(data, pts_90k, bool(packet.is_keyframe)))

    def close(self) -> None:
        self._container.close()


class ReplayFeed(Feed):
    seekable = True

    def __init__(self, parts: PartsLookup, *, origin_ms: int, end_ms: int, stop_ms: int | None = None,
                 label: str = "") -> None:
        self._parts = parts
        self.origin_ms = origin_ms
        self.end_ms = end_ms                    # recorded end known when the feed was made (for the SDP)
        self.stop_ms = stop_ms                  # the feed ends there (None: at the end of what is recorded)
        self.label = label
        self._reader: _PartReader | None = None
        self._queue: collections.deque[_Item] = collections.deque()
        self._last_pace_ms: int | None = None
        self._gap_ms = 0
        self._anchor: tuple[float, int] | None = None      # (monotonic s, media ms) of the pacing clock
        self._ended = False
        self._io = threading.Lock()            # a cancelled viewer's read may still run in its thread

    # --- Feed ------------------------------------------------------------------------------------
    async def describe(self) -> tuple[CodecInfo, bytes | None]:
        if self._reader is None:
            await self._seek(self.origin_ms)
        return self._reader.codec, None

    def sdp_range(self) -> str:
        return f"npt=0-{max(0, self.end_ms - self.origin_ms) / 1000:.3f}"

    async def play(self, wanted: PlayRange | None) -> PlayStart:
        if wanted is not None:
            target = wanted.clock_ms if wanted.clock_ms is not None else self.origin_ms + round(wanted.npt_s * 1000)
            await self._seek(target)
        elif self._reader is None:
            await self._seek(self.origin_ms)
        self._anchor = None
        head = self._queue[0].wall_ms if self._queue else self.origin_ms
        return PlayStart(npt_s=max(0, head - self.origin_ms) / 1000, clock_ms=head)

    async def next(self, timeout_s: float) -> list[LivePacket] | None:
        deadline_s = time.monotonic() + timeout_s
        while True:
            if not self._ended and self._ahead_ms() < READ_AHEAD_MS:
                await asyncio.to_thread(self._fill)
            if not self._queue:
                return None if self._ended else []
            now = time.monotonic()
            out = self._due(now)
            if out:
                return out
            wake_s = min(self._due_s(self._queue[0]), deadline_s)
            if wake_s <= now and now >= deadline_s:
                return []
            await asyncio.sleep(max(0.001, wake_s - now))

    def pause(self) -> None:
        self._anchor = None

    def close(self) -> None:
        with self._io:
            self._close_reader()

    def _close_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    # --- pacing ----------------------------------------------------------------------------------
    def _due_s(self, item: _Item) -> float:
        if self._anchor is None:
            self._anchor = (time.monotonic(), item.pace_ms - item.gap_ms)
        return self._anchor[0] + (item.pace_ms - item.gap_ms - self._anchor[1]) / 1000

    def _due(self, now: float) -> list[LivePacket]:
        out = []
        while self._queue and self._due_s(self._queue[0]) <= now + 0.002:
            item = self._queue.popleft()
            out.append(LivePacket(item.packet.data, item.pts_90k - item.gap_ms * 90, item.packet.keyframe))
        return out

    def _ahead_ms(self) -> int:
        if not self._queue:
            return 0
        return self._queue[-1].pace_ms - self._queue[0].pace_ms

    # --- reading (executor thread; never concurrent with itself) ----------------------------------
    async def _seek(self, target_ms: int) -> None:
        self._anchor = None
        try:
            await asyncio.to_thread(self._open_at, target_ms)
        except (OSError, av.error.FFmpegError) as exc:
            log.error("replay %s: cannot read the slice at %s: %s", self.label, target_ms, exc)
            raise FeedUnavailable(f"recorded video at {target_ms} cannot be read") from exc

    def _open_at(self, target_ms: int) -> None:
        with self._io:
            self._queue.clear()
            self._ended = False
            parts = self._parts(target_ms, 1)
            if not parts or (self.stop_ms is not None and parts[0].start_ms >= self.stop_ms):
                raise RangeNotAvailable(f"nothing recorded at or after {target_ms}")
            self._switch(parts[0])
            self._last_pace_ms = None
            self._push(self._reader.position_at(target_ms))

    def _fill(self) -> None:
        with self._io:
            self._fill_locked()

    def _fill_locked(self) -> None:
        try:
            while not self._ended and self._ahead_ms() < READ_AHEAD_MS * 2:
                items = self._reader.read(64) if self._reader else []
                if not items and not self._next_part():
                    self._ended = True
                    return
                self._push(items)
        except (OSError, av.error.FFmpegError) as exc:
            log.error("replay %s: reading %s failed: %s", self.label, self._reader.part.path if self._reader else "?", exc)
            self._ended = True

    def _next_part(self) -> bool:
        """Open the next file after what was sent; False when there is none."""
        after = self._last_pace_ms if self._last_pace_ms is not None else self.origin_ms
        current = self._reader.part.path if self._reader else None
        for part in self._parts(after, NEXT_PARTS):
            if part.path != current and part.stop_ms > after:
                self._switch(part)
                self._push(self._reader.position_after(after))
                return True
        return False

    def _switch(self, part: Part) -> None:
        self._close_reader()
        self._reader = _PartReader(part)

    def _push(self, items: list[_Item]) -> None:
        for item in items:
            if self.stop_ms is not None and item.wall_ms >= self.stop_ms:
                self._ended = True
                return
            if self._last_pace_ms is not None:
                if item.pace_ms <= self._last_pace_ms:
                    continue
                if item.pace_ms - self._last_pace_ms > GAP_MAX_MS:
                    self._gap_ms += item.pace_ms - self._last_pace_ms - GAP_FRAME_MS
            self._last_pace_ms = item.pace_ms
            self._queue.append(replace(item, gap_ms=self._gap_ms))
