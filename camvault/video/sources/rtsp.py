"""rtsp:// and rtsps:// sources through PyAV (ffmpeg's RTSP client).

TCP interleaved by default, UDP selectable. No Python `timeout=` (its interrupt callback takes the
GIL on every read); ffmpeg's own `timeout` option (µs) bounds a stalled socket, and the stop flag
is checked on every packet.
"""

from __future__ import annotations

import threading

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

    def open(self, stop: threading.Event) -> DemuxedSession:
        try:
            container = av.open(self.url, options=self.options())
        except (av.error.FFmpegError, OSError) as exc:
            raise SourceError(f"cannot open {redact(self.url)}: {error_text(exc)}") from exc
        return DemuxedSession(container, stop)
