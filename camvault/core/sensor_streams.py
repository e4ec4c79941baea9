"""Which camvault stream is which sensor, the default streams of the synthetic stereo camera, and
the stream configuration (size and frame rate) the OAK model shows and changes. Pure: no I/O.

Sensor of a stream:
- a stream whose source is `synthetic://stereo?sensor=NAME...` is that sensor of the stereo rig
  (`STEREO_RIG_SENSORS` gives its kind); it is named after the sensor;
- any other stream named like a sensor (`CAM_B`, `DEPTH_B_C`) is that sensor;
- any other stream of a camera is, by stream id order, the i-th sensor `CAM_A`..`CAM_H`
  (colour); a letter already taken by a named stream goes to the next free one; past `CAM_H` a
  stream has no sensor.

Sizes are pixels, frame rates frames per second.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any, Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from camvault.core.model import ROLES, Stream
from camvault.core.sensors import (
    COLOR_RESOLUTIONS,
    MONO_RESOLUTIONS,
    SENSOR_LETTERS,
    STEREO_RIG_SENSORS,
    SensorControl,
    SensorKind,
    default_control,
    is_sensor_name,
    merge_control,
)

STEREO_STREAM_IDS: dict[str, int] = {"CAM_A": 1, "CAM_B": 2, "CAM_C": 3, "DEPTH_B_C": 4}
"""Fixed stream ids of the stereo camera's default streams."""

STEREO_DEFAULT_RESOLUTIONS: dict[str, tuple[int, int]] = {
    "CAM_A": COLOR_RESOLUTIONS["THE_720_P"], "CAM_B": MONO_RESOLUTIONS["THE_400_P"],
    "CAM_C": MONO_RESOLUTIONS["THE_400_P"], "DEPTH_B_C": MONO_RESOLUTIONS["THE_400_P"],
}
STEREO_DEFAULT_FPS = 10
STEREO_BITS_PER_PIXEL = 0.1
"""Default bitrate of a stereo stream: this many bits per pixel per frame (1280x720 at 10 fps:
0.92 Mbit/s; 640x400 at 10 fps: 0.26 Mbit/s), unless the camera's source URL sets `bitrate`."""

SYNTHETIC_DEFAULTS = {"width": 1280, "height": 720, "fps": 25}
"""Size and frame rate of a synthetic stream whose URL does not give them."""

SYNTHETIC_MAX_PX = (7680, 4320)
SYNTHETIC_MIN_PX = 16
SYNTHETIC_FPS_RANGE = (1, 120)
_PER_STREAM = ("sensor", "width", "height", "fps")


# --- sources ------------------------------------------------------------------------------------
def is_synthetic(url: str) -> bool:
    return urlsplit(url).scheme.lower() == "synthetic"


def is_stereo_source(url: str) -> bool:
    """Whether `url` is the synthetic stereo camera (`synthetic://stereo?...`)."""
    parts = urlsplit(url)
    return parts.scheme.lower() == "synthetic" and (parts.hostname or "") == "stereo"


def stereo_sensor(url: str) -> str | None:
    """The sensor a stereo URL renders (`sensor=`, default CAM_A); None for other URLs."""
    if not is_stereo_source(url):
        return None
    return _query(url).get("sensor", "CAM_A")


def synthetic_size(url: str) -> tuple[int, int, int] | None:
    """(width, height, fps) of a synthetic URL (its defaults where absent); None for other URLs or
    values that are not integers."""
    if not is_synthetic(url):
        return None
    query = _query(url)
    try:
        return tuple(int(query.get(k, d)) for k, d in SYNTHETIC_DEFAULTS.items())  # type: ignore[return-value]
    except ValueError:
        return None


def with_size(url: str, width: int, height: int, fps: int) -> str:
    """The synthetic `url` with another size and frame rate; a given `gop` keeps its duration and a
    given `bitrate` its bits per pixel."""
    old = synthetic_size(url) or (width, height, fps)
    query = _query(url)
    query.update(width=str(width), height=str(height), fps=str(fps))
    if "gop" in query and query["gop"].isdigit():
        query["gop"] = str(max(1, round(int(query["gop"]) * fps / old[2])))
    if "bitrate" in query and query["bitrate"].isdigit():
        ratio = (width * height * fps) / (old[0] * old[1] * old[2])
        query["bitrate"] = str(max(10_000, round(int(query["bitrate"]) * ratio)))
    return _with_query(url, query)


def stereo_url(camera_source: str, sensor: str, width: int, height: int, fps: int | None = None) -> str:
    """The source URL of one stereo sensor stream: the camera's URL parameters (but its size), the
    sensor, its size, the camera's `fps` (else `STEREO_DEFAULT_FPS`), and `bitrate`/`gop` from the
    camera's URL when given (else `STEREO_BITS_PER_PIXEL` and one keyframe a second)."""
    base = _query(camera_source)
    if fps is None:
        fps = int(base["fps"]) if base.get("fps", "").isdigit() and int(base["fps"]) > 0 else STEREO_DEFAULT_FPS
    query = {k: v for k, v in base.items() if k not in _PER_STREAM}
    query = {"sensor": sensor, "width": str(width), "height": str(height), "fps": str(fps), **query}
    query.setdefault("bitrate", str(max(10_000, round(width * height * fps * STEREO_BITS_PER_PIXEL))))
    query.setdefault("gop", str(fps))
    return _with_query(camera_source, query)


@dataclass(frozen=True)
class DefaultStream:
    """One default stream of a stereo camera (as the camera service builds it)."""

    stream_id: int
    name: str
    source: str
    roles: tuple[str, ...]
    ignored: bool


def stereo_default_streams(camera_source: str, previous: dict[int, str] | None = None) -> list[DefaultStream]:
    """The stereo camera's four streams (`STEREO_STREAM_IDS`): CAM_A with every role, the others
    recorded (`rrecord`), DEPTH_B_C ignored (its two sensors are active). `previous` (stream id ->
    the source it had) keeps a size and frame rate changed earlier for the same sensor."""
    streams = []
    for name, stream_id in STEREO_STREAM_IDS.items():
        width, height = STEREO_DEFAULT_RESOLUTIONS[name]
        fps = None
        before = (previous or {}).get(stream_id)
        if before is not None and stereo_sensor(before) == name and synthetic_size(before):
            width, height, fps = synthetic_size(before)  # type: ignore[misc]
        roles = ROLES if name == "CAM_A" else ("rrecord",)
        streams.append(DefaultStream(stream_id, name, stereo_url(camera_source, name, width, height, fps),
                                     roles, ignored=name == "DEPTH_B_C"))
    return streams


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def _with_query(url: str, query: dict[str, str]) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


# --- sensors of a camera ------------------------------------------------------------------------
@dataclass(frozen=True)
class SensorStream:
    """The sensor (or depth stream) `name` of a camera, delivered by camvault stream `stream_id`."""

    name: str
    kind: SensorKind
    stream_id: int
    on_rig: bool
    """A stream of the synthetic stereo rig (its configuration uses the OAK resolution names)."""


def sensor_streams(streams: Sequence[Stream]) -> list[SensorStream]:
    """The sensors of a camera's streams (see the module docstring), in stream id order."""
    ordered = sorted(streams, key=lambda s: s.stream_id)
    named: dict[int, str] = {}
    for stream in ordered:
        name = stereo_sensor(stream.source) or stream.name
        if is_sensor_name(name) and name not in named.values():
            named[stream.stream_id] = name
    taken = set(named.values())
    result = []
    for index, stream in enumerate(ordered):
        name = named.get(stream.stream_id) or _free_letter(index, taken)
        if name is None:
            continue
        taken.add(name)
        result.append(SensorStream(name, _kind(stream, name), stream.stream_id, is_stereo_source(stream.source)))
    return result


def _free_letter(index: int, taken: set[str]) -> str | None:
    for letter in SENSOR_LETTERS[index:]:
        if f"CAM_{letter}" not in taken:
            return f"CAM_{letter}"
    return None


def _kind(stream: Stream, name: str) -> SensorKind:
    if is_stereo_source(stream.source) and name in STEREO_RIG_SENSORS:
        return STEREO_RIG_SENSORS[name]
    return SensorKind.DEPTH if name.startswith("DEPTH_") else SensorKind.COLOR


# --- configuration ------------------------------------------------------------------------------
class ConfigShape(str, Enum):
    """Which of the OpenAPI's three configuration objects describes a stream."""

    PLAIN = "CameraConfigProperties"
    COLOR = "ColorCameraConfigProperties"
    MONO = "MonoCameraConfigProperties"


@dataclass(frozen=True)
class StreamConfig:
    """A stream's configuration: its shape, size, frame rate and (colour/mono) resolution name."""

    shape: ConfigShape
    width: int
    height: int
    fps: float
    resolution: str | None = None


def stream_config(sensor: SensorStream, width: int, height: int, fps: float) -> StreamConfig:
    """Colour and mono sensors of the stereo rig at a size of the OAK tables are shown with their
    resolution name; everything else (depth streams, other cameras, other sizes) as a plain size."""
    table = {SensorKind.COLOR: COLOR_RESOLUTIONS, SensorKind.MONO: MONO_RESOLUTIONS}.get(sensor.kind)
    if sensor.on_rig and table is not None:
        name = next((n for n, size in table.items() if size == (width, height)), None)
        if name is not None:
            shape = ConfigShape.COLOR if sensor.kind is SensorKind.COLOR else ConfigShape.MONO
            return StreamConfig(shape, width, height, fps, name)
    return StreamConfig(ConfigShape.PLAIN, width, height, fps)


@dataclass(frozen=True)
class ConfigRequest:
    """A posted configuration: its shape, the resolution name (colour/mono) or size (plain), fps."""

    shape: ConfigShape
    fps: float
    resolution: str | None = None
    size: tuple[int, int] | None = None


def requested_size(current: StreamConfig, request: ConfigRequest) -> tuple[int, int, int]:
    """(width, height, fps) a posted configuration asks a synthetic stream for; ValueError (with a
    message for the client) when its shape is not the stream's or the values cannot be produced."""
    if request.shape is not current.shape:
        raise ValueError(f"this stream is configured with {current.shape.value}, not {request.shape.value}")
    if request.shape is ConfigShape.PLAIN:
        assert request.size is not None
        width, height = request.size
    else:
        table = COLOR_RESOLUTIONS if request.shape is ConfigShape.COLOR else MONO_RESOLUTIONS
        if request.resolution not in table:
            raise ValueError(f"unknown resolution {request.resolution!r}")
        width, height = table[request.resolution]
    max_w, max_h = SYNTHETIC_MAX_PX
    if not (SYNTHETIC_MIN_PX <= width <= max_w and SYNTHETIC_MIN_PX <= height <= max_h):
        raise ValueError(f"{width}x{height} is beyond what this camera produces "
                         f"({SYNTHETIC_MIN_PX}x{SYNTHETIC_MIN_PX} to {max_w}x{max_h})")
    if width % 2 or height % 2:
        raise ValueError(f"{width}x{height}: width and height must be even")
    low, high = SYNTHETIC_FPS_RANGE
    if request.fps != int(request.fps) or not low <= request.fps <= high:
        raise ValueError(f"fps must be a whole number from {low} to {high}")
    return width, height, int(request.fps)


# --- controls as JSON ---------------------------------------------------------------------------
def control_to_json(control: SensorControl) -> dict[str, Any]:
    """The full control as a JSON object (enums as their names; `focus` an object or null)."""
    data = asdict(control)
    data["auto_whitebalance_mode"] = control.auto_whitebalance_mode.value
    if control.focus is not None:
        data["focus"]["auto_focus_mode"] = control.focus.auto_focus_mode.value
    return data


def control_from_json(kind: SensorKind, data: dict[str, Any]) -> SensorControl:
    """A control stored by `control_to_json` (fields missing from it keep their defaults)."""
    return merge_control(default_control(kind), data)
