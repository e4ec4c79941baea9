"""rtsp:// and rtsps:// sources through PyAV (ffmpeg's RTSP client).

TCP interleaved by default, UDP selectable. No Python `timeout=` (its interrupt callback takes the
GIL on every read); ffmpeg's own `timeout` option (µs) bounds a stalled socket, and the stop flag
is checked on every packet.

A client joining a live H.264 stream mid-picture (a shared server, a multi-slice encoder) can get a
first "keyframe" holding only the last slices of an IDR picture; it decodes half grey or green. Until
a keyframe holding its picture's first slice arrives, such packets lose their keyframe flag (sinks
skip packets before the first keyframe, and ingest still sees when the stream began).
"""

from __future__ import annotations

import threading
from typing import Iterator

import av

from camvault.video.sources.base import SourceError, redact
from camvault.video.sources.demuxed import DemuxedSession, error_text

IO_TIMEOUT_US = 5_000_000


class RtspSource:
    def __init__(self, url: str, *, transport: str = "tcp") -> None:
        if transport not in ("tcp", "udp"):
            raise SourceError(f"unknown RTSP transport {transport!r}")
        self.url = url
        self.transport = transport

    def options(self) -> dict[str, str]:
        return {"rtsp_transport": self.transport, "timeout": str(IO_TIMEOUT_US),
                "analyzeduration": "1000000", "probesize": "1000000", "allowed_media_types": "video"}

    def open(self, stop: threading.Event) -> "RtspSession":
        try:
            container = av.open(self.url, options=self.options())
        except (av.error.FFmpegError, OSError) as exc:
            raise SourceError(f"cannot open {redact(self.url)}: {error_text(exc)}") from exc
        return RtspSession(container, stop)


class RtspSession(DemuxedSession):
    """A demuxed RTSP session whose first H.264 keyframe is a complete picture."""

    def packets(self) -> Iterator[av.Packet]:
        packets = super().packets()
        if self.info.codec == "h264":
            for packet in packets:
                if packet.is_keyframe:
                    if starts_h264_picture(bytes(packet)):
                        yield packet
                        break
                    packet.is_keyframe = False
                yield packet
        yield from packets


def starts_h264_picture(data: bytes) -> bool:
    """True if the first slice in this Annex B access unit is its picture's first slice
    (first_mb_in_slice 0: the ue(v) code "1", so the bit after the NAL header is set)."""
    start = data.find(b"\x00\x00\x01")
    while 0 <= start and start + 4 < len(data):
        if data[start + 3] & 0x1F in (1, 5):          # a coded slice (non-IDR, IDR)
            return bool(data[start + 4] & 0x80)
        start = data.find(b"\x00\x00\x01", start + 3)
    return False
