"""Integrity checks of recorded files, with what a listing shows of them measured on the way.

A video file (a slice) is sound when: it has the size its row says; it demuxes to the end without
an error; the demuxer skipped nothing (between one packet's data and the next, only Matroska framing
may lie: a block or cluster header, at most `MAX_FRAMING_GAP_BYTES`; the Matroska demuxer resyncs
silently past damaged data, which shows as a larger hole); its packets span the slice's indexed
duration (within a tolerance); its first keyframe decodes with error detection on; and every
Matroska CRC-32 the muxer wrote (one per cluster, `video/mkv_crc.py`) matches, so a damaged byte
anywhere in the media data shows. One demux pass plus one decoded picture and one checksum pass, so
it costs about twice what reading the file costs (the second read comes from the page cache).

A still (JPEG) is sound when it decodes completely and ends with the JPEG end-of-image marker.
Both are pure functions of the file; callers cache verdicts by (path, size, mtime).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

import av
from PIL import Image

from camvault.video.mkv_crc import crc_problems

log = logging.getLogger(__name__)

MAX_FRAMING_GAP_BYTES = 256
"""Largest run of bytes between two packets' data that is still framing (a SimpleBlock header is
~7 bytes, a new cluster with its CRC-32 ~25)."""

JPEG_END = b"\xff\xd9"


@dataclass(frozen=True)
class VideoCheck:
    """What one pass over a video file found. `problems` empty = sound."""

    width_px: int = 0
    height_px: int = 0
    fps: float = 0.0
    duration_ms: int = 0
    problems: tuple[str, ...] = ()

    @property
    def is_valid(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class StillCheck:
    width_px: int = 0
    height_px: int = 0
    problems: tuple[str, ...] = ()

    @property
    def is_valid(self) -> bool:
        return not self.problems


@dataclass
class _Pass:
    """State of one demux pass."""

    packets: int = 0
    first_pts: int | None = None
    end_pts: int = 0
    data_end: int | None = None
    decoded: bool | None = None
    problems: list[str] = field(default_factory=list)


def check_video(path: Path, *, size_bytes: int, duration_ms: int, tolerance_ms: int) -> VideoCheck:
    """Check a slice file against its row (`size_bytes`, `duration_ms`)."""
    try:
        actual_size = path.stat().st_size
    except OSError as exc:
        return VideoCheck(problems=(f"unreadable: {exc}",))
    state = _Pass()
    if actual_size != size_bytes:
        state.problems.append(f"size {actual_size} bytes, indexed {size_bytes}")
    width = height = 0
    time_base = 0.0
    matroska = False
    try:
        with av.open(str(path)) as container:
            matroska = "matroska" in container.format.name
            stream = container.streams.video[0]
            width, height, time_base = stream.codec_context.width, stream.codec_context.height, float(stream.time_base)
            stream.codec_context.options = {"err_detect": "explode"}
            _demux(container, stream, state)
    except (av.error.FFmpegError, IndexError, OSError) as exc:
        state.problems.append(f"demux failed: {exc}")
    if matroska:
        state.problems += crc_problems(path)
    measured_ms = round((state.end_pts - state.first_pts) * time_base * 1000) if state.packets else 0
    _judge(state, measured_ms, duration_ms, tolerance_ms)
    fps = state.packets * 1000 / measured_ms if measured_ms > 0 else 0.0
    return VideoCheck(width, height, fps, measured_ms, tuple(state.problems))


def _demux(container, stream, state: _Pass) -> None:
    for packet in container.demux():
        if not packet.size:
            continue                        # the demuxer's end-of-stream packets
        _note_framing(packet, state)
        if packet.stream.index != stream.index:
            continue
        if packet.pts is not None:
            state.packets += 1
            state.first_pts = packet.pts if state.first_pts is None else min(state.first_pts, packet.pts)
            state.end_pts = max(state.end_pts, packet.pts + (packet.duration or 0))
        if state.decoded is None and packet.is_keyframe:
            state.decoded = _decodes(stream, packet, state)


def _note_framing(packet, state: _Pass) -> None:
    pos = packet.pos
    if pos is None or pos < 0:
        return
    if state.data_end is not None and pos - state.data_end > MAX_FRAMING_GAP_BYTES:
        state.problems.append(f"{pos - state.data_end} bytes skipped before offset {pos}")
    state.data_end = pos + packet.size


def _decodes(stream, packet, state: _Pass) -> bool:
    try:
        frames = stream.codec_context.decode(packet) + stream.codec_context.decode(None)
    except av.error.FFmpegError as exc:
        state.problems.append(f"first keyframe does not decode: {exc}")
        return False
    if not frames:
        state.problems.append("first keyframe gives no picture")
    return bool(frames)


def _judge(state: _Pass, measured_ms: int, duration_ms: int, tolerance_ms: int) -> None:
    if not state.packets:
        state.problems.append("no video packet")
    elif abs(measured_ms - duration_ms) > tolerance_ms:
        state.problems.append(f"spans {measured_ms} ms, indexed {duration_ms} ms")
    if state.packets and state.decoded is None:
        state.problems.append("no keyframe")


def check_still(data: bytes) -> StillCheck:
    """Check a JPEG picture held in memory."""
    problems: list[str] = []
    if JPEG_END not in data[-64:]:
        problems.append("no JPEG end marker (truncated)")
    try:
        with Image.open(io.BytesIO(data)) as picture:
            width, height = picture.size
            picture.load()
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        return StillCheck(problems=(*problems, f"does not decode: {exc}"))
    return StillCheck(width, height, tuple(problems))
