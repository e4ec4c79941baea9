"""Still images without continuous decoding: every ingest keeps its stream's latest keyframe
(bytes only, one per GOP), decoded to a picture only when someone asks (reference image, alarm
and snapshot images); and a picture at a time inside a recorded slice.

Cost: keeping a keyframe is one copy per GOP; decoding one is a single-frame decode on demand.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from pathlib import Path

import av
from PIL import Image

from camvault.video.sources.base import SourceSession


@dataclass(frozen=True)
class Keyframe:
    """One encoded keyframe with what a decoder needs to read it alone."""

    data: bytes
    codec: str
    extradata: bytes | None
    wall_ms: int


class LatestKeyframe:
    """A packet sink keeping the latest keyframe of its stream. Thread-safe to read."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._latest: Keyframe | None = None
        self._codec = "h264"
        self._extradata: bytes | None = None

    def on_session_start(self, session: SourceSession) -> None:
        self._codec, self._extradata = session.info.codec, session.info.extradata

    def on_packet(self, packet: av.Packet, wall_ms: int) -> None:
        if packet.is_keyframe:
            keyframe = Keyframe(bytes(packet), self._codec, self._extradata, wall_ms)
            with self._lock:
                self._latest = keyframe

    def on_session_end(self) -> None:
        """The last keyframe stays available (a reference image of a camera that went away)."""

    def latest(self) -> Keyframe | None:
        with self._lock:
            return self._latest


def decode_keyframe(keyframe: Keyframe) -> Image.Image:
    """The keyframe as an RGB picture; ValueError if it does not decode."""
    ctx = av.CodecContext.create(keyframe.codec, "r")
    if keyframe.extradata:
        ctx.extradata = keyframe.extradata
    try:
        frames = list(ctx.decode(av.Packet(keyframe.data))) + list(ctx.decode(None))
    except av.error.FFmpegError as exc:
        raise ValueError(f"keyframe does not decode: {exc}") from exc
    if not frames:
        raise ValueError("keyframe produced no picture")
    return frames[0].to_image()


def picture_at(path: Path | str, offset_ms: int) -> Image.Image:
    """The picture shown `offset_ms` after the start of a slice file (a path, or a URL PyAV reads:
    the last frame at or before it; the first frame if the offset is before it). ValueError if the
    file has no picture."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        target = offset_ms / 1000 / float(stream.time_base) + (stream.start_time or 0)
        container.seek(int(max(0, target)), stream=stream, backward=True, any_frame=False)
        chosen = None
        for frame in container.decode(stream):
            if chosen is not None and frame.pts is not None and frame.pts > target:
                break
            chosen = frame
        if chosen is None:
            raise ValueError(f"no picture in {Path(path).name}")
        return chosen.to_image()


def to_jpeg(picture: Image.Image, *, width: int | None = None, height: int | None = None,
            quality: int = 85) -> bytes:
    """JPEG bytes, resized to fit width x height (keeping the aspect ratio) when either is given."""
    if width or height:
        box = (width or picture.width, height or picture.height)
        picture = picture.copy()
        picture.thumbnail(box)
    out = io.BytesIO()
    picture.convert("RGB").save(out, format="JPEG", quality=quality)
    return out.getvalue()
