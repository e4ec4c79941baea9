"""The source interface every camera source implements.

`Source.open(stop)` connects (blocking) and returns a `SourceSession`, whose `packets()` yields
encoded video packets (`av.Packet`) in stream time, keyframes flagged, until the source ends, fails
(raises `SourceError`) or `stop` is set. A session is used by one thread only.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterator, Protocol

import av


class SourceError(Exception):
    """The source cannot be opened or stopped delivering."""


@dataclass(frozen=True)
class StreamInfo:
    """What a session carries: codec name (ffmpeg's), picture size, nominal frame rate, time base,
    and the codec's out-of-band parameter sets (SPS/PPS from the SDP), None when they are in-band."""

    codec: str
    width: int
    height: int
    fps: float | None
    time_base: Fraction
    extradata: bytes | None = None

    @property
    def encoding(self) -> str:
        """The CamTrace encoding name (H264, H265, MPEG4, JPEG)."""
        return {"h264": "H264", "hevc": "H265", "mpeg4": "MPEG4", "mjpeg": "JPEG"}.get(self.codec, self.codec.upper())


class SourceSession(Protocol):
    info: StreamInfo

    def packets(self) -> Iterator[av.Packet]: ...

    def add_output_stream(self, container: av.container.OutputContainer) -> av.stream.Stream:
        """Create the stream-copy output stream for this session's video in `container`."""
        ...

    def close(self) -> None: ...


class Source(Protocol):
    url: str

    def open(self, stop: threading.Event) -> SourceSession: ...


def redact(url: str) -> str:
    """The URL without its password, for logs."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))
