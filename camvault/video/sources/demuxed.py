"""A session over a PyAV input container (shared by the RTSP and file sources).

At the start of a session ffmpeg may hand over the beginning of the first picture without a
timestamp: it is joined to the next timestamped part instead of being dropped (otherwise a whole GOP
is lost before the next keyframe).

One packet per picture: ffmpeg's RTP depacketizer and H.264 parser can split one access unit into
several packets with the same timestamps (e.g. when a server repeats SPS/PPS before each slice of an
IDR picture, as GStreamer's rtph264pay does); such parts are joined again, so sinks that drop
non-increasing timestamps (the recorder) never lose half a picture. This holds each packet back
until the next one arrives (one frame of latency).

Error messages never quote the container's URL: PyAV puts it in the exception's text, password
included, and these messages end up in logs and in the camera-connections log (`error_text`).
"""

from __future__ import annotations

import threading
from fractions import Fraction
from typing import Iterator

import av

from camvault.video.sources.base import SourceError, StreamInfo


def error_text(exc: BaseException) -> str:
    """The reason of a PyAV/OS error without the file name or URL it carries."""
    reason = getattr(exc, "strerror", None)
    return reason if isinstance(reason, str) and reason else type(exc).__name__


def joined(first: av.Packet, second: av.Packet, *, timing: av.Packet | None = None) -> av.Packet:
    """One packet holding both parts of a split picture, with the timing of `timing` (default: the
    first part) and the first part's stream."""
    timing = timing or first
    merged = av.Packet(bytes(first) + bytes(second))
    merged.stream = first.stream
    merged.time_base = timing.time_base
    merged.pts, merged.dts, merged.duration = timing.pts, timing.dts, timing.duration
    merged.is_keyframe = first.is_keyframe or second.is_keyframe
    return merged


class DemuxedSession:
    """Yields the packets of the container's first video stream; stream copy via a template."""

    def __init__(self, container: av.container.InputContainer, stop: threading.Event) -> None:
        self._container = container
        self._stop = stop
        if not container.streams.video:
            container.close()
            raise SourceError("the source has no video stream")
        self._stream = container.streams.video[0]
        ctx = self._stream.codec_context
        rate = self._stream.average_rate or self._stream.guessed_rate
        self.info = StreamInfo(codec=ctx.name, width=ctx.width, height=ctx.height,
                               fps=float(rate) if rate else None,
                               time_base=self._stream.time_base or Fraction(1, 90000),
                               extradata=bytes(ctx.extradata) if ctx.extradata else None)

    def packets(self) -> Iterator[av.Packet]:
        """Raw packets with a timestamp, one per picture, until EOF or stop."""
        pending: av.Packet | None = None
        orphan: av.Packet | None = None     # the start of the first picture, which came without timestamps
        try:
            for packet in self._container.demux(self._stream):
                if self._stop.is_set():
                    return
                if packet.dts is None and packet.pts is None:
                    if pending is None and packet.size:
                        orphan = packet if orphan is None else joined(orphan, packet)
                    continue
                if orphan is not None:
                    packet, orphan = joined(orphan, packet, timing=packet), None
                if pending is not None:
                    if packet.pts == pending.pts and packet.dts == pending.dts:
                        pending = joined(pending, packet)
                        continue
                    yield pending
                pending = packet
        except av.error.FFmpegError as exc:
            raise SourceError(f"read failed: {error_text(exc)}") from exc
        if pending is not None and not self._stop.is_set():
            yield pending

    def add_output_stream(self, container: av.container.OutputContainer) -> av.stream.Stream:
        return container.add_stream_from_template(self._stream)

    def close(self) -> None:
        self._container.close()
