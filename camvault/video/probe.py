"""Reading back slice files: duration and picture of a finished file, and salvage of a partial one
(a `.part` left by a crash is remuxed, stream copy, up to its last readable packet)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import av

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MediaInfo:
    duration_ms: int
    codec: str
    width: int
    height: int
    packets: int


def probe(path: Path) -> MediaInfo | None:
    """Duration from the packets themselves (first to last end); None if unreadable or empty."""
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            first = end = None
            count = 0
            for packet in container.demux(stream):
                if packet.pts is None:
                    continue
                first = packet.pts if first is None else min(first, packet.pts)
                end = max(end or 0, packet.pts + (packet.duration or 0))
                count += 1
            if not count:
                return None
            ctx = stream.codec_context
            return MediaInfo(round((end - first) * float(stream.time_base) * 1000), ctx.name, ctx.width,
                             ctx.height, count)
    except (av.error.FFmpegError, IndexError, OSError) as exc:
        log.warning("cannot read %s: %s", path, exc)
        return None


def salvage(partial: Path, final: Path) -> MediaInfo | None:
    """Remux the readable packets of `partial` into `final`; None (and no file) if nothing is readable."""
    written = 0
    try:
        with av.open(str(partial)) as source:
            in_stream = source.streams.video[0]
            with av.open(str(final), "w", format="matroska") as out:
                out_stream = out.add_stream_from_template(in_stream)
                written = _copy_packets(source, in_stream, out, out_stream)
    except (av.error.FFmpegError, IndexError, OSError) as exc:
        log.warning("salvaging %s stopped: %s", partial, exc)
    if not written:
        final.unlink(missing_ok=True)
        return None
    return probe(final)


def _copy_packets(source, in_stream, out, out_stream) -> int:
    written = 0
    try:
        for packet in source.demux(in_stream):
            if packet.dts is None:
                continue
            if written == 0 and not packet.is_keyframe:
                continue
            packet.stream = out_stream
            out.mux(packet)
            written += 1
    except av.error.FFmpegError as exc:
        log.info("partial slice ends in unreadable data after %d packets: %s", written, exc)
    return written
