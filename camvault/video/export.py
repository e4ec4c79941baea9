"""Export muxing: join the slice files of a time range into one Matroska file by stream copy
(demux + mux, never decode).

The file starts on the last keyframe at or before `from_ms` (keyframe precision on the start side,
so the first picture decodes) and stops before the first packet, in decode order, whose time is at
or after `to_ms` (packet precision on the end side). Output timestamps follow wall-clock time from
the first written packet, so a gap between slices stays a gap. Slices whose codec or picture size
differ from the first written one are skipped (logged). Runs on the caller's thread; `should_stop`
is polled at every packet and raises `ExportCancelled`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import av

log = logging.getLogger(__name__)


class ExportCancelled(Exception):
    """`should_stop` answered True."""


class NothingToExport(Exception):
    """No packet of the slices falls in the range."""


@dataclass(frozen=True)
class ExportPart:
    """One slice file (a path, or a URL PyAV reads) and the wall-clock time (epoch ms) of its timestamp 0."""

    path: Path | str
    start_ms: int


@dataclass(frozen=True)
class ConcatResult:
    start_ms: int       # wall-clock time of the first written packet
    duration_ms: int    # first written packet to the end of the last one
    packets: int
    skipped_parts: int


class _Writer:
    """The output container, opened on the first packet from that packet's stream."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.container = None
        self.stream = None
        self.shape: tuple | None = None
        self.origin_ms: int | None = None
        self.last_dts_s: float | None = None
        self.end_ms = 0
        self.packets = 0

    def accepts(self, in_stream) -> bool:
        ctx = in_stream.codec_context
        shape = (ctx.name, ctx.width, ctx.height)
        if self.container is None:
            self.container = av.open(str(self.path), "w", format="matroska")
            self.stream = self.container.add_stream_from_template(in_stream)
            self.shape = shape
        return shape == self.shape

    def write(self, packet: av.Packet, part: ExportPart, wall_ms: int) -> None:
        tb = float(packet.time_base)
        if self.origin_ms is None:
            self.origin_ms = wall_ms
        offset = round((part.start_ms - self.origin_ms) / 1000 / tb)
        dts_s = (packet.dts + offset) * tb
        if self.last_dts_s is not None and dts_s <= self.last_dts_s:
            return                                  # overlapping or non-monotonic: keep the earlier one
        end_ms = wall_ms + round((packet.duration or 0) * tb * 1000) - self.origin_ms
        packet.pts, packet.dts = packet.pts + offset, packet.dts + offset
        packet.stream = self.stream
        self.container.mux(packet)
        self.last_dts_s = dts_s
        self.end_ms = max(self.end_ms, end_ms)
        self.packets += 1

    def close(self) -> None:
        if self.container is not None:
            self.container.close()


def concat_slices(parts: Sequence[ExportPart], from_ms: int, to_ms: int, out: Path, *,
                  on_progress: Callable[[float], None], should_stop: Callable[[], bool]) -> ConcatResult:
    """Write the range [from_ms, to_ms) of `parts` (ordered by start) into the Matroska file `out`."""
    writer = _Writer(out)
    skipped = 0
    try:
        for part in parts:
            outcome = _copy_part(part, from_ms, to_ms, writer, on_progress, should_stop)
            skipped += outcome == "skipped"
            if outcome == "end":
                break
    finally:
        writer.close()
    if writer.packets == 0:
        raise NothingToExport(f"no video between {from_ms} and {to_ms} in {len(parts)} slices")
    return ConcatResult(writer.origin_ms, writer.end_ms, writer.packets, skipped)


def _copy_part(part: ExportPart, from_ms: int, to_ms: int, writer: _Writer, on_progress, should_stop) -> str:
    """Copy one slice's packets of the range; returns "end" once `to_ms` is reached, "skipped" or "done"."""
    with av.open(str(part.path)) as source:
        in_stream = source.streams.video[0]
        if not writer.accepts(in_stream):
            log.warning("export: %s skipped: its codec or picture size differ from the first slice", part.path)
            return "skipped"
        tb = float(in_stream.time_base)
        if writer.origin_ms is None and from_ms > part.start_ms:
            _seek(source, in_stream, round((from_ms - part.start_ms) / 1000 / tb))
        pending: list[tuple[av.Packet, int]] = []         # the GOP that holds from_ms, until from_ms is reached
        for packet in source.demux(in_stream):
            if should_stop():
                raise ExportCancelled()
            if packet.dts is None or packet.pts is None:
                continue
            wall_ms = part.start_ms + round(packet.pts * tb * 1000)
            if wall_ms >= to_ms:
                return "end"
            if writer.origin_ms is None:
                if wall_ms < from_ms:
                    if packet.is_keyframe:
                        pending = [(packet, wall_ms)]
                    elif pending:
                        pending.append((packet, wall_ms))
                    continue
                if not pending and not packet.is_keyframe:
                    continue                                # wait for a keyframe to start on
                for early, early_ms in pending:
                    writer.write(early, part, early_ms)
                pending = []
            writer.write(packet, part, wall_ms)
            on_progress((wall_ms - from_ms) / (to_ms - from_ms))
    return "done"


def _seek(source, in_stream, offset_ticks: int) -> None:
    """Move near the keyframe before `offset_ticks`; on failure stay at the start (slower, still right)."""
    try:
        source.seek(offset_ticks, stream=in_stream, backward=True, any_frame=False)
    except av.error.FFmpegError as exc:
        log.info("export: seek failed (%s); reading from the start", exc)
