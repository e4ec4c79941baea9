"""From a sensor's `SensorControl` to ONVIF imaging (ver20) settings. Pure: no I/O.

The device's settings and options come in as plain dicts (zeep objects serialised), laid out as
ONVIF's `ImagingSettings20`, `ImagingOptions20` and `MoveOptions20`; a range is `{"Min", "Max"}`.
`plan_imaging` starts from the device's current settings (read-modify-write: what it does not set is
kept) and returns the settings to send, the focus position to move to, and the changed fields the
device cannot apply. The mapping and its formulas are described in docs/design/onvif-imaging.md.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any

from camvault.core.sensors import (
    CONTROL_RANGES,
    WHITE_BALANCE_KELVIN,
    AutoFocusMode,
    AutoWhiteBalanceMode,
    SensorControl,
)

NO_IMAGING_SETTING = frozenset({"luma_denoise", "chroma_denoise", "auto_exposure_compensation",
                                "auto_exposure_lock", "auto_whitebalance_lock"})
"""Controls ONVIF imaging has no setting for: always reported as not applicable."""

LEVELS = {"brightness": "Brightness", "contrast": "Contrast", "saturation": "ColorSaturation"}
"""The -10..10 picture levels and the ONVIF setting each maps to (linearly onto the device's range)."""

EXPOSURE_FIELDS = frozenset({"auto_exposure_enable", "exposure_time", "sensitivity_iso", "auto_exposure_limit"})
WHITE_BALANCE_FIELDS = frozenset({"auto_whitebalance_mode", "manual_whitebalance"})

LEVEL_RANGE = CONTROL_RANGES["brightness"]
ISO_RANGE = CONTROL_RANGES["sensitivity_iso"]
REFERENCE_KELVIN = 6500
"""The colour temperature at which both white-balance gains are 1 (the middle of the device's range)."""
WB_GAIN_SPAN = 4.0
"""The device's CrGain/CbGain range covers gains 1/4 .. 4 (log scale, 1 in the middle)."""


@dataclass(frozen=True)
class ImagingPlan:
    settings: dict[str, Any]
    """The full settings to send (the current ones with the changes); equal to them when nothing changes."""
    focus_position: float | None
    """The absolute focus position to `Move` to after the settings, None for no move."""
    not_applied: frozenset[str]


def plan_imaging(current: dict[str, Any], options: dict[str, Any], move_options: dict[str, Any] | None,
                 control: SensorControl, changed: frozenset[str]) -> ImagingPlan:
    """What to send so the device shows `changed` fields of `control` (see the module docstring)."""
    settings = copy.deepcopy(current)
    handled = {*LEVELS, *EXPOSURE_FIELDS, *WHITE_BALANCE_FIELDS, "focus"}
    not_applied = set(changed - handled)
    not_applied |= _levels(settings, options, control, changed)
    not_applied |= _exposure(settings, options.get("Exposure") or {}, control, changed & EXPOSURE_FIELDS)
    not_applied |= _white_balance(settings, options.get("WhiteBalance") or {}, control, changed & WHITE_BALANCE_FIELDS)
    position, focus_missing = _focus(settings, options.get("Focus") or {}, move_options or {}, control, changed)
    return ImagingPlan(settings, position, frozenset(not_applied | focus_missing))


# --- the groups of settings (each writes into `settings`, returns the fields it cannot apply) -------
def _levels(settings: dict, options: dict, control: SensorControl, changed: frozenset[str]) -> set[str]:
    missing = set()
    for name, setting in LEVELS.items():
        if name not in changed:
            continue
        span = float_range(options.get(setting))
        if span is None:
            missing.add(name)
        else:
            settings[setting] = level_to_range(getattr(control, name), span)
    return missing


def _exposure(settings: dict, options: dict, control: SensorControl, changed: frozenset[str]) -> set[str]:
    if not changed:
        return set()
    exposure, missing = dict(settings.get("Exposure") or {}), set()
    modes = options.get("Mode") or []
    wanted_mode = "AUTO" if control.auto_exposure_enable else "MANUAL"
    if "auto_exposure_enable" in changed:
        if wanted_mode in modes:
            exposure["Mode"] = wanted_mode
        else:
            missing.add("auto_exposure_enable")
    values = {"exposure_time": ("ExposureTime", lambda span: clamp(control.exposure_time, span)),
              "sensitivity_iso": ("Gain", lambda span: iso_to_gain(control.sensitivity_iso, span)),
              "auto_exposure_limit": ("MaxExposureTime", lambda span: clamp(control.auto_exposure_limit, span))}
    for name, (setting, value) in values.items():
        if name not in changed:
            continue
        span = float_range(options.get(setting))
        if span is None:
            missing.add(name)
        else:
            exposure[setting] = value(span)
    if missing != changed:
        if not exposure.get("Mode"):                        # Mode is required in Exposure20
            exposure["Mode"] = wanted_mode if wanted_mode in modes else (modes or ["AUTO"])[0]
        settings["Exposure"] = exposure
    return missing


def _white_balance(settings: dict, options: dict, control: SensorControl, changed: frozenset[str]) -> set[str]:
    if not changed:
        return set()
    modes = options.get("Mode") or []
    balance = dict(settings.get("WhiteBalance") or {})
    if control.auto_whitebalance_mode is AutoWhiteBalanceMode.AUTO:
        if "AUTO" not in modes:
            return set(changed)
        balance["Mode"] = "AUTO"
    else:
        red_span, blue_span = float_range(options.get("YrGain")), float_range(options.get("YbGain"))
        if "MANUAL" not in modes or red_span is None or blue_span is None:
            return set(changed)
        red, blue = white_balance_gains(white_balance_kelvin(control))
        balance.update(Mode="MANUAL", CrGain=gain_to_range(red, red_span), CbGain=gain_to_range(blue, blue_span))
    settings["WhiteBalance"] = balance
    return set()


def _focus(settings: dict, options: dict, move_options: dict, control: SensorControl,
           changed: frozenset[str]) -> tuple[float | None, set[str]]:
    if "focus" not in changed or control.focus is None:     # no focus motor: nothing to apply
        return None, set()
    modes = options.get("AutoFocusModes") or []
    focus = dict(settings.get("Focus") or {})
    if control.focus.auto_focus_mode is not AutoFocusMode.OFF:
        if "AUTO" not in modes:
            return None, {"focus"}
        settings["Focus"] = {**focus, "AutoFocusMode": "AUTO"}
        return None, set()
    span = float_range((move_options.get("Absolute") or {}).get("Position"))
    if "MANUAL" not in modes or span is None:
        return None, {"focus"}
    settings["Focus"] = {**focus, "AutoFocusMode": "MANUAL"}
    return lens_to_position(control.focus.lens_position, span), set()


# --- formulas ---------------------------------------------------------------------------------------
def float_range(option: Any) -> tuple[float, float] | None:
    """(Min, Max) of an ONVIF FloatRange dict, None when absent or malformed."""
    if not isinstance(option, dict) or option.get("Min") is None or option.get("Max") is None:
        return None
    low, high = float(option["Min"]), float(option["Max"])
    return (low, high) if low <= high else None


def clamp(value: float, span: tuple[float, float]) -> float:
    return float(min(max(value, span[0]), span[1]))


def level_to_range(level: int, span: tuple[float, float]) -> float:
    """-10..10 linearly onto the device's range: -10 -> Min, 0 -> the middle, 10 -> Max."""
    fraction = (level - LEVEL_RANGE[0]) / (LEVEL_RANGE[1] - LEVEL_RANGE[0])
    return clamp(span[0] + fraction * (span[1] - span[0]), span)


def iso_to_gain(iso: int, span: tuple[float, float]) -> float:
    """ISO 100..5000 on a log scale onto the device's gain range (ONVIF gain is in dB, itself a log
    scale): ISO 100 -> Min, 5000 -> Max, each doubling of ISO the same step."""
    fraction = math.log(iso / ISO_RANGE[0]) / math.log(ISO_RANGE[1] / ISO_RANGE[0])
    return clamp(span[0] + fraction * (span[1] - span[0]), span)


def lens_to_position(lens: float, span: tuple[float, float]) -> float:
    """Lens position 0.0 (far) .. 1.0 (near) linearly onto the device's absolute focus range."""
    return clamp(span[0] + lens * (span[1] - span[0]), span)


def white_balance_kelvin(control: SensorControl) -> int:
    """The colour temperature a non-AUTO white-balance mode assumes: the preset's, or for OFF the
    manual one."""
    return WHITE_BALANCE_KELVIN.get(control.auto_whitebalance_mode) or control.manual_whitebalance


def illuminant_rgb(kelvin: float) -> tuple[float, float, float]:
    """The colour (0..255 per channel) of a black body at `kelvin`, by Tanner Helland's fit of the
    CIE 1964 blackbody table (valid 1000..40000 K)."""
    t = kelvin / 100.0
    red = 255.0 if t <= 66 else 329.698727446 * (t - 60) ** -0.1332047592
    green = 99.4708025861 * math.log(t) - 161.1195681661 if t <= 66 else 288.1221695283 * (t - 60) ** -0.0755148492
    if t >= 66:
        blue = 255.0
    else:
        blue = 0.0 if t <= 19 else 138.5177312231 * math.log(t - 10) - 305.0447927307
    return tuple(min(max(c, 1.0), 255.0) for c in (red, green, blue))  # type: ignore[return-value]


def white_balance_gains(kelvin: float) -> tuple[float, float]:
    """(red gain, blue gain) that make a grey lit at `kelvin` grey: green/red and green/blue of the
    illuminant, divided by the same ratios at REFERENCE_KELVIN (so 6500 K -> (1, 1); warmer light
    -> less red, more blue)."""
    red, green, blue = illuminant_rgb(kelvin)
    red_0, green_0, blue_0 = illuminant_rgb(REFERENCE_KELVIN)
    return (green / red) / (green_0 / red_0), (green / blue) / (green_0 / blue_0)


def gain_to_range(gain: float, span: tuple[float, float]) -> float:
    """A white-balance gain onto the device's unitless CrGain/CbGain range on a log scale: 1 -> the
    middle, WB_GAIN_SPAN -> Max, 1/WB_GAIN_SPAN -> Min (clamped beyond)."""
    fraction = 0.5 + math.log(gain) / (2 * math.log(WB_GAIN_SPAN))
    return clamp(span[0] + fraction * (span[1] - span[0]), span)
