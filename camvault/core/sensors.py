"""Multi-sensor cameras (the OAK streams model): sensor and depth stream names, which streams exclude
each other, the device id (`mxid`), and each sensor's image controls.

A camera's sensors are `CAM_A`..`CAM_H`; a depth stream `DEPTH_X_Y` combines sensors X and Y and is
never active together with either of them. Every sensor or depth stream that is active is one
ordinary camvault stream of the camera (its `Stream.name` is the sensor name), so it is recorded,
viewed live and listed like any other stream.

`SensorControl` is the full control state of one stream (the OpenAPI's `SensorControl`); ranges are
in `CONTROL_RANGES`, checked by `merge_control`. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, fields, replace
from enum import Enum
from typing import Any, Protocol

SENSOR_PATTERN = r"CAM_[A-H]|DEPTH_[A-H]_[A-H]"
MXID_PATTERN = r"[A-Z0-9]+"
SENSOR_LETTERS = "ABCDEFGH"

_SENSOR_RE = re.compile(rf"^(?:{SENSOR_PATTERN})$")
_MXID_RE = re.compile(rf"^{MXID_PATTERN}$")


class SensorKind(str, Enum):
    """What a stream delivers: a colour sensor, a mono sensor, or a stereo depth map."""

    COLOR = "color"
    MONO = "mono"
    DEPTH = "depth"


STEREO_RIG_SENSORS: dict[str, SensorKind] = {
    "CAM_A": SensorKind.COLOR, "CAM_B": SensorKind.MONO, "CAM_C": SensorKind.MONO, "DEPTH_B_C": SensorKind.DEPTH,
}
"""The streams of camvault's synthetic stereo camera (`synthetic://stereo?sensor=NAME&...`): a colour
centre view, two horizontally offset mono views (B left, C right) and their depth map."""

COLOR_RESOLUTIONS: dict[str, tuple[int, int]] = {
    "THE_720_P": (1280, 720), "THE_800_P": (1280, 800), "THE_1080_P": (1920, 1080), "THE_1200_P": (1920, 1200),
    "THE_1352X1012": (1352, 1012), "THE_1440X1080": (1440, 1080), "THE_2024X1520": (2024, 1520),
    "THE_5_MP": (2592, 1944), "THE_4_K": (3840, 2160), "THE_4000X3000": (4000, 3000), "THE_12_MP": (4056, 3040),
    "THE_13_MP": (4208, 3120), "THE_5312X6000": (5312, 6000), "THE_48_MP": (8000, 6000),
}
"""Pixel size of each `ColorCameraResolution` (width, height)."""

MONO_RESOLUTIONS: dict[str, tuple[int, int]] = {
    "THE_400_P": (640, 400), "THE_480_P": (640, 480), "THE_720_P": (1280, 720), "THE_800_P": (1280, 800),
    "THE_1200_P": (1920, 1200),
}
"""Pixel size of each `MonoCameraResolution` (width, height)."""


def is_sensor_name(name: str) -> bool:
    """Whether `name` is a stream name of the OAK model (`CAM_A`, `DEPTH_B_C`, ...)."""
    return bool(_SENSOR_RE.match(name))


def depth_pair(name: str) -> tuple[str, str] | None:
    """The two sensors a depth stream combines (`DEPTH_B_C` -> (`CAM_B`, `CAM_C`)), None for a sensor."""
    if not name.startswith("DEPTH_") or not is_sensor_name(name):
        return None
    _, left, right = name.split("_")
    return f"CAM_{left}", f"CAM_{right}"


def excluded_by(name: str, known: set[str] | frozenset[str]) -> set[str]:
    """The streams among `known` that must be inactive while `name` is active: a depth stream's two
    sensors, or every depth stream that uses the sensor `name`."""
    pair = depth_pair(name)
    if pair is not None:
        return {s for s in pair if s in known}
    return {other for other in known if name in (depth_pair(other) or ())}


def sensor_name_for_index(index: int) -> str:
    """The sensor name of a camera's `index`-th (0-based) plain stream: 0 -> CAM_A ... 7 -> CAM_H."""
    if not 0 <= index < len(SENSOR_LETTERS):
        raise ValueError(f"a camera has at most {len(SENSOR_LETTERS)} sensors")
    return f"CAM_{SENSOR_LETTERS[index]}"


def mxid_for(serial_number: str) -> str:
    """The device id of a camera, from its serial number (stable across restarts): the serial
    itself when it already matches `[A-Z0-9]+`, else its upper-cased letters and digits followed by
    six hex digits of its SHA-1 (so two serials that differ only in other characters stay apart)."""
    if _MXID_RE.match(serial_number):
        return serial_number
    cleaned = re.sub(r"[^A-Z0-9]", "", serial_number.upper())
    return cleaned + hashlib.sha1(serial_number.encode()).hexdigest()[:6].upper()


def is_mxid(value: str) -> bool:
    return bool(_MXID_RE.match(value))


class AutoWhiteBalanceMode(str, Enum):
    AUTO = "AUTO"
    CLOUDY_DAYLIGHT = "CLOUDY_DAYLIGHT"
    DAYLIGHT = "DAYLIGHT"
    FLUORESCENT = "FLUORESCENT"
    INCANDESCENT = "INCANDESCENT"
    OFF = "OFF"
    SHADE = "SHADE"
    TWILIGHT = "TWILIGHT"
    WARM_FLUORESCENT = "WARM_FLUORESCENT"


WHITE_BALANCE_KELVIN: dict[AutoWhiteBalanceMode, int | None] = {
    AutoWhiteBalanceMode.AUTO: None,            # follows the scene's illuminant
    AutoWhiteBalanceMode.OFF: None,             # manual: `manual_whitebalance` kelvin
    AutoWhiteBalanceMode.INCANDESCENT: 2800,
    AutoWhiteBalanceMode.WARM_FLUORESCENT: 3000,
    AutoWhiteBalanceMode.FLUORESCENT: 4000,
    AutoWhiteBalanceMode.DAYLIGHT: 5500,
    AutoWhiteBalanceMode.CLOUDY_DAYLIGHT: 6500,
    AutoWhiteBalanceMode.SHADE: 7500,
    AutoWhiteBalanceMode.TWILIGHT: 9000,
}
"""The colour temperature each white-balance preset assumes (kelvin)."""


class AutoFocusMode(str, Enum):
    OFF = "OFF"
    AUTO = "AUTO"
    MACRO = "MACRO"
    CONTINUOUS_VIDEO = "CONTINUOUS_VIDEO"
    CONTINUOUS_PICTURE = "CONTINUOUS_PICTURE"
    EDOF = "EDOF"


@dataclass(frozen=True)
class SensorFocus:
    """Focus of a sensor with a motorised lens; `lens_position` 0.0 (far) .. 1.0 (near) is used
    when `auto_focus_mode` is OFF."""

    auto_focus_mode: AutoFocusMode = AutoFocusMode.CONTINUOUS_VIDEO
    auto_focus_trigger: bool = False
    lens_position: float = 0.0


@dataclass(frozen=True)
class SensorControl:
    """The image controls of one stream. Exposure in microseconds; colour temperature in kelvin."""

    exposure_time: int = 20000
    sensitivity_iso: int = 400
    auto_exposure_enable: bool = True
    auto_exposure_compensation: int = 0
    auto_exposure_limit: int = 33000
    auto_exposure_lock: bool = False
    contrast: int = 0
    brightness: int = 0
    saturation: int = 0
    chroma_denoise: int = 0
    luma_denoise: int = 0
    auto_whitebalance_lock: bool = False
    auto_whitebalance_mode: AutoWhiteBalanceMode = AutoWhiteBalanceMode.AUTO
    manual_whitebalance: int = 5500
    focus: SensorFocus | None = field(default=None)


CONTROL_RANGES: dict[str, tuple[float, float]] = {
    "exposure_time": (1, 33000),
    "sensitivity_iso": (100, 5000),
    "auto_exposure_compensation": (-9, 9),
    "contrast": (-10, 10),
    "brightness": (-10, 10),
    "saturation": (-10, 10),
    "chroma_denoise": (0, 4),
    "luma_denoise": (0, 4),
    "manual_whitebalance": (1000, 12000),
}
"""Inclusive ranges of the numeric controls, as the OpenAPI gives them. `auto_exposure_limit` has
none there: any integer is taken, and the image pipeline clamps it to the exposure range."""

INTEGER_CONTROLS = frozenset({*CONTROL_RANGES, "auto_exposure_limit"})

FOCUS_RANGE = (0.0, 1.0)


def default_control(kind: SensorKind) -> SensorControl:
    """A stream's controls before anyone changed them: colour sensors have a focus motor."""
    return SensorControl(focus=SensorFocus() if kind is SensorKind.COLOR else None)


def merge_control(current: SensorControl, update: dict[str, Any]) -> SensorControl:
    """`current` with the fields of `update` (a partial `SensorControlUpdate`, enums as strings,
    `focus` as a dict or None) applied; ValueError naming the first field out of range or unknown."""
    names = {f.name for f in fields(SensorControl)}
    unknown = sorted(set(update) - names)
    if unknown:
        raise ValueError(f"unknown control field(s): {', '.join(unknown)}")
    changes: dict[str, Any] = {}
    for name, value in update.items():
        if name == "focus":
            changes[name] = _merge_focus(current.focus, value)
        elif name == "auto_whitebalance_mode":
            changes[name] = AutoWhiteBalanceMode(value)
        else:
            changes[name] = _checked(name, value)
    return replace(current, **changes)


def _checked(name: str, value: Any) -> Any:
    if name in INTEGER_CONTROLS:
        low, high = CONTROL_RANGES.get(name, (float("-inf"), float("inf")))
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{name} must be an integer" + (f" between {low:g} and {high:g}"
                                                             if name in CONTROL_RANGES else ""))
    elif not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false")
    return value


def _merge_focus(current: SensorFocus | None, value: dict[str, Any] | None) -> SensorFocus | None:
    if value is None:
        return None
    base = current or SensorFocus()
    unknown = sorted(set(value) - {"auto_focus_mode", "auto_focus_trigger", "lens_position"})
    if unknown:
        raise ValueError(f"unknown focus field(s): {', '.join(unknown)}")
    lens = value.get("lens_position", base.lens_position)
    if isinstance(lens, bool) or not isinstance(lens, (int, float)) or not FOCUS_RANGE[0] <= lens <= FOCUS_RANGE[1]:
        raise ValueError("focus.lens_position must be between 0.0 and 1.0")
    trigger = value.get("auto_focus_trigger", base.auto_focus_trigger)
    if not isinstance(trigger, bool):
        raise ValueError("focus.auto_focus_trigger must be true or false")
    mode = AutoFocusMode(value.get("auto_focus_mode", base.auto_focus_mode))
    return SensorFocus(mode, trigger, float(lens))


class ControlsView(Protocol):
    """The current controls of one stream, read by its source once per frame (thread-safe)."""

    def control(self) -> SensorControl: ...
