"""synthetic:// — camvault's built-in test cameras: real H.264 (libx264 ultrafast/zerolatency) or
H.265 (`codec=h265`: libx265 ultrafast/zerolatency, one frame thread, no look-ahead).

Two cameras, chosen by the URL's host:
- `synthetic://?...` (no host): the classic camera (`scene.SceneRenderer`): a gradient world with a
  grid and a moving box, framed by PTZ, tinted per camera; it ignores sensor controls.
- `synthetic://stereo?sensor=NAME&...`: one stream of the synthetic stereo camera (`stereo`):
  `sensor` is CAM_A (colour, the default), CAM_B or CAM_C (mono) or DEPTH_B_C (stereo depth, grey);
  its sensor controls run through the image pipeline every frame; no PTZ, no `hue`.
Any other host, or an unknown sensor, is a `SourceError`.

Query parameters: codec (h264 or h265/hevc, default h264), width, height (even, default
1280x720), fps (default 25), bitrate (bit/s, default 2000000), gop (frames between keyframes,
default = fps), motion (1/0, default 1; 0 on the stereo camera freezes its moving panel),
realtime (1/0, default 1: 0 produces frames as fast as they encode, for tests and benchmarks),
hue (0..359: the picture's tint as an angle in the U/V plane, e.g. 0 blue, 90 red, 180
yellow-green, 270 green-cyan; default -1: a tint derived from the camera name; classic camera only).
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
import numpy as np

from camvault.core.ptz import HOME, PtzPosition
from camvault.core.sensors import STEREO_RIG_SENSORS, ControlsView
from camvault.video.sources.base import SourceError, StreamInfo
from camvault.video.sources.scene import SceneRenderer
from camvault.video.sources.stereo import DEFAULT_SENSOR, StereoPicture

TIME_BASE = Fraction(1, 90000)
CODECS = {"h264": "h264", "h265": "hevc", "hevc": "hevc"}      # codec= value -> ffmpeg's codec name
_ENCODERS = {"h264": "libx264", "hevc": "libx265"}
CAMERAS = ("", "stereo")                                        # URL host -> which synthetic camera


def parse_codec(url: str) -> str:
    """ffmpeg's name of the codec a synthetic URL asks for (`h264` unless `codec=h265`)."""
    name = parse_qs(urlsplit(url).query).get("codec", ["h264"])[-1].lower()
    if name not in CODECS:
        raise SourceError(f"synthetic codec must be one of {', '.join(CODECS)}, not {name!r}")
    return CODECS[name]


def parse_camera(url: str) -> str:
    """Which synthetic camera a URL names: "" (the classic one) or "stereo"."""
    host = urlsplit(url).hostname or ""
    if host not in CAMERAS:
        raise SourceError(f"unknown synthetic camera {host!r} (use synthetic://?... or synthetic://stereo?...)")
    return host


def parse_sensor(url: str) -> str | None:
    """The stereo camera's sensor a URL asks for (CAM_A unless `sensor=`); None for the classic camera."""
    if parse_camera(url) != "stereo":
        return None
    name = parse_qs(urlsplit(url).query).get("sensor", [DEFAULT_SENSOR])[-1]
    if name not in STEREO_RIG_SENSORS:
        raise SourceError(f"the synthetic stereo camera has no sensor {name!r} (use one of "
                          f"{', '.join(STEREO_RIG_SENSORS)})")
    return name


def parse_params(url: str) -> dict[str, int]:
    stereo = parse_camera(url) == "stereo"
    query = {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()
             if k != "codec" and not (stereo and k == "sensor")}
    known = {"width": 1280, "height": 720, "fps": 25, "bitrate": 2_000_000, "gop": 0, "motion": 1, "realtime": 1,
             "hue": -1}
    if stereo:
        del known["hue"]
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
    if not -1 <= params.get("hue", -1) <= 359:
        raise SourceError("synthetic hue must be 0..359 (or -1: from the camera name)")
    return params


class PtzView(Protocol):
    """Where the camera points now (thread-safe)."""

    def position(self) -> PtzPosition: ...


class Picture(Protocol):
    """Draws a synthetic camera's frames (on the session's thread)."""

    def render(self, epoch_ms: int, frame_index: int) -> np.ndarray:
        """The frame for this wall-clock time and index: a yuv420p buffer (h*3/2 x w, uint8)."""
        ...


class _ClassicPicture:
    """The classic camera's scene, framed by the camera's PTZ position read once per frame."""

    def __init__(self, params: dict[str, int], label: str, ptz: PtzView | None) -> None:
        self._ptz = ptz
        self._scene = SceneRenderer(params["width"], params["height"], label, motion=bool(params["motion"]),
                                    hue_deg=params["hue"] if params["hue"] >= 0 else None)

    def render(self, epoch_ms: int, frame_index: int) -> np.ndarray:
        position = self._ptz.position() if self._ptz is not None else HOME
        return self._scene.render(epoch_ms, frame_index, position)


class SyntheticSource:
    def __init__(self, url: str, *, label: str = "", ptz: PtzView | None = None,
                 controls: ControlsView | None = None) -> None:
        self.url = url
        self.label = label
        self.ptz = ptz
        self.controls = controls
        self.params = parse_params(url)
        self.codec = parse_codec(url)
        self.sensor = parse_sensor(url)

    def open(self, stop: threading.Event) -> "SyntheticSession":
        return SyntheticSession(self.params, self._picture(), stop, self.codec)

    def _picture(self) -> Picture:
        if self.sensor is None:
            return _ClassicPicture(self.params, self.label, self.ptz)
        return StereoPicture(self.sensor, self.params["width"], self.params["height"], self.label, self.controls,
                             motion=bool(self.params["motion"]))


class SyntheticSession:
    def __init__(self, params: dict[str, int], picture: Picture, stop: threading.Event,
                 codec: str = "h264") -> None:
        self._p = params
        self._stop = stop
        self._picture = picture
        self.info = StreamInfo(codec, params["width"], params["height"], float(params["fps"]), TIME_BASE)
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
            buffer = self._picture.render(time.time_ns() // 1_000_000, index)
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
