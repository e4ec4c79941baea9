"""synthetic:// — camvault's built-in test camera: real H.264 (libx264 ultrafast/zerolatency) or
H.265 (`codec=h265`: libx265 ultrafast/zerolatency, one frame thread, no look-ahead).

Query parameters: codec (h264 or h265/hevc, default h264), width, height (even, default
1280x720), fps (default 25), bitrate (bit/s, default 2000000), gop (frames between keyframes,
default = fps), motion (1/0, default 1), realtime (1/0, default 1: 0 produces frames as fast as
they encode, for tests and benchmarks), hue (0..359: the picture's tint as an angle in the U/V
plane, e.g. 0 blue, 90 red, 180 yellow-green, 270 green-cyan; default -1: a tint derived from the
camera name).
Frames are produced at real-time pace; the parameter sets (SPS/PPS, VPS/SPS/PPS for H.265) are
repeated in-band on each keyframe, as most cameras do, so a recorder can start on any keyframe.

PTZ: given a `ptz` view (the camera's `SyntheticPtz` controller, shared with the API threads), the
session reads its position once per frame, on the ingest thread, and frames the scene there, so a
move shows in the encoded (and recorded) video from the next frame on. Without one the camera stays
at the home position.
"""

from __future__ import annotations

import threading
import time
from fractions import Fraction
from typing import Iterator, Protocol
from urllib.parse import parse_qs, urlsplit

import av

from camvault.core.ptz import HOME, PtzPosition
from camvault.core.sensors import ControlsView
from camvault.video.sources.base import SourceError, StreamInfo
from camvault.video.sources.scene import SceneRenderer

TIME_BASE = Fraction(1, 90000)
CODECS = {"h264": "h264", "h265": "hevc", "hevc": "hevc"}      # codec= value -> ffmpeg's codec name
_ENCODERS = {"h264": "libx264", "hevc": "libx265"}


def parse_codec(url: str) -> str:
    """ffmpeg's name of the codec a synthetic URL asks for (`h264` unless `codec=h265`)."""
    name = parse_qs(urlsplit(url).query).get("codec", ["h264"])[-1].lower()
    if name not in CODECS:
        raise SourceError(f"synthetic codec must be one of {', '.join(CODECS)}, not {name!r}")
    return CODECS[name]


def parse_params(url: str) -> dict[str, int]:
    query = {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items() if k != "codec"}
    known = {"width": 1280, "height": 720, "fps": 25, "bitrate": 2_000_000, "gop": 0, "motion": 1, "realtime": 1,
             "hue": -1}
    unknown = sorted(set(query) - set(known))
    if unknown:
        raise SourceError(f"unknown synthetic parameter(s): {', '.join(unknown)}")
    try:
        params = {k: int(query.get(k, default)) for k, default in known.items()}
    except ValueError as exc:
        raise SourceError(f"synthetic parameters must be integers: {exc}") from None
    params["gop"] = params["gop"] or params["fps"]
    if not (16 <= params["width"] <= 7680 and 16 <= params["height"] <= 4320) or params["width"] % 2 \
            or params["height"] % 2:
        raise SourceError("synthetic width/height must be even, 16..7680 x 16..4320")
    if not 1 <= params["fps"] <= 120 or params["bitrate"] < 10_000 or params["gop"] < 1:
        raise SourceError("synthetic fps must be 1..120, bitrate >= 10000, gop >= 1")
    if not -1 <= params["hue"] <= 359:
        raise SourceError("synthetic hue must be 0..359 (or -1: from the camera name)")
    return params


class PtzView(Protocol):
    """Where the camera points now (thread-safe)."""

    def position(self) -> PtzPosition: ...


class SyntheticSource:
    def __init__(self, url: str, *, label: str = "", ptz: PtzView | None = None,
                 controls: ControlsView | None = None) -> None:
        self.url = url
        self.label = label
        self.ptz = ptz
        self.controls = controls
        self.params = parse_params(url)
        self.codec = parse_codec(url)

    def open(self, stop: threading.Event) -> "SyntheticSession":
        return SyntheticSession(self.params, self.label, stop, self.ptz, self.codec)


class SyntheticSession:
    def __init__(self, params: dict[str, int], label: str, stop: threading.Event,
                 ptz: PtzView | None = None, codec: str = "h264") -> None:
        self._p = params
        self._stop = stop
        self._ptz = ptz
        self.info = StreamInfo(codec, params["width"], params["height"], float(params["fps"]), TIME_BASE)
        self._scene = SceneRenderer(params["width"], params["height"], label, motion=bool(params["motion"]),
                                    hue_deg=params["hue"] if params["hue"] >= 0 else None)
        self._encoder = _encoder(params, codec)

    def packets(self) -> Iterator[av.Packet]:
        fps = self._p["fps"]
        start_s = time.monotonic()
        index = 0
        realtime = bool(self._p["realtime"])
        while True:
            due_s = start_s + index / fps
            if realtime:
                if self._stop.wait(max(0.0, due_s - time.monotonic())):
                    return
                late_frames = int((time.monotonic() - due_s) * fps)
                if late_frames > fps:            # starved for over a second: skip, as a camera drops frames
                    index += late_frames
                    due_s = start_s + index / fps
            elif self._stop.is_set():
                return
            position = self._ptz.position() if self._ptz is not None else HOME
            buffer = self._scene.render(time.time_ns() // 1_000_000, index, position)
            frame = av.VideoFrame.from_numpy_buffer(buffer, format="yuv420p")
            frame.pts = round((due_s - start_s) * 90000)
            frame.time_base = TIME_BASE
            yield from self._encoder.encode(frame)
            index += 1

    def add_output_stream(self, container: av.container.OutputContainer) -> av.stream.Stream:
        return container.add_mux_stream(self.info.codec, rate=self._p["fps"], width=self._p["width"],
                                        height=self._p["height"], time_base=TIME_BASE)

    def close(self) -> None:
        self._encoder = None


def _encoder(p: dict[str, int], codec: str) -> av.video.codeccontext.VideoCodecContext:
    ctx = av.CodecContext.create(_ENCODERS[codec], "w")
    ctx.width, ctx.height = p["width"], p["height"]
    ctx.pix_fmt = "yuv420p"
    ctx.time_base = TIME_BASE
    ctx.framerate = Fraction(p["fps"])
    ctx.bit_rate = p["bitrate"]
    ctx.gop_size = p["gop"]
    ctx.options = _encoder_options(p["gop"], codec)
    ctx.open()
    return ctx


def _encoder_options(gop: int, codec: str) -> dict[str, str]:
    """Low-latency settings: one packet out per frame in, a keyframe every `gop` frames exactly,
    parameter sets repeated on each keyframe, one thread."""
    keyint = f"keyint={gop}:min-keyint={gop}:scenecut=0:repeat-headers=1"
    if codec == "hevc":
        return {"preset": "ultrafast", "tune": "zerolatency",
                "x265-params": f"{keyint}:frame-threads=1:pools=none:log-level=error"}
    return {"preset": "ultrafast", "tune": "zerolatency", "threads": "1", "x264-params": keyint}
