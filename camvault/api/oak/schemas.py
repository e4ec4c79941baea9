"""The OAK OpenAPI's request bodies (pydantic, strict: JSON types exactly as the document gives
them, so `1` is no boolean and `"5"` no integer, while `4.0` is an integer as in JSON Schema) and
its response objects (plain dicts). Bodies are parsed here, not by FastAPI, so that bytes that are
no JSON at all are a 422 like any other invalid body (FastAPI answers 400 to undecodable bytes).

Bodies: `SensorControlUpdate` (every field optional, ranges as documented; `focus` may be null),
and the three configuration objects of `Update Stream Config` (`anyOf`), told apart by their
fields: `resolution` as `[w, h]` is `CameraConfigProperties`; a resolution name with the four
size fields is `ColorCameraConfigProperties`; a resolution name alone `MonoCameraConfigProperties`.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from camvault.core.sensor_streams import ConfigRequest, ConfigShape, StreamConfig
from camvault.core.sensors import AutoFocusMode, AutoWhiteBalanceMode, SensorControl

WhiteBalanceName = Literal[tuple(m.value for m in AutoWhiteBalanceMode)]  # type: ignore[valid-type]
FocusModeName = Literal[tuple(m.value for m in AutoFocusMode)]  # type: ignore[valid-type]
ColorResolution = Literal["THE_1080_P", "THE_1200_P", "THE_12_MP", "THE_1352X1012", "THE_13_MP", "THE_1440X1080",
                          "THE_2024X1520", "THE_4000X3000", "THE_48_MP", "THE_4_K", "THE_5312X6000", "THE_5_MP",
                          "THE_720_P", "THE_800_P"]
MonoResolution = Literal["THE_1200_P", "THE_400_P", "THE_480_P", "THE_720_P", "THE_800_P"]


def _whole(value: Any) -> Any:
    """JSON Schema's integers include numbers with a zero fraction (`4.0`)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


Integer = Annotated[int, BeforeValidator(_whole)]
Pair = Annotated[list[Integer], Field(min_length=2, max_length=2)]
FloatPair = Annotated[list[float], Field(min_length=2, max_length=2)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True)


def _ranged(low: float, high: float) -> Any:
    return Annotated[Integer, Field(ge=low, le=high)]


class SensorFocusBody(_Strict):
    auto_focus_mode: FocusModeName = "CONTINUOUS_VIDEO"
    auto_focus_trigger: bool = False
    lens_position: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0


class SensorControlUpdate(_Strict):
    """Fields absent from the body keep their value; `None` defaults only mark them absent (an
    explicit null is refused, but for `focus`, which the document makes nullable)."""

    exposure_time: _ranged(1, 33000) = None
    sensitivity_iso: _ranged(100, 5000) = None
    auto_exposure_enable: bool = None
    auto_exposure_compensation: _ranged(-9, 9) = None
    auto_exposure_limit: Integer = None
    auto_exposure_lock: bool = None
    contrast: _ranged(-10, 10) = None
    brightness: _ranged(-10, 10) = None
    saturation: _ranged(-10, 10) = None
    chroma_denoise: _ranged(0, 4) = None
    luma_denoise: _ranged(0, 4) = None
    auto_whitebalance_lock: bool = None
    auto_whitebalance_mode: WhiteBalanceName = None
    manual_whitebalance: _ranged(1000, 12000) = None
    focus: SensorFocusBody | None = None


class CameraConfigBody(_Strict):
    resolution: Pair
    still_size: Pair
    preview_size: Pair
    video_size: Pair
    fps: float


class ColorConfigBody(_Strict):
    resolution: ColorResolution
    still_size: Pair
    preview_size: Pair
    video_size: Pair
    sensor_crop: FloatPair
    fps: float


class MonoConfigBody(_Strict):
    resolution: MonoResolution
    fps: float


def json_body(raw: bytes) -> Any:
    """The request body as JSON; RequestValidationError (422) when it is not JSON."""
    try:
        return json.loads(raw)
    except ValueError:                      # not JSON, or not UTF-8/16/32 text
        raise RequestValidationError([{"type": "json_invalid", "loc": ("body", 0), "msg": "JSON decode error",
                                       "input": {}}]) from None


def parse_control(body: Any) -> dict[str, Any]:
    """The fields of a `SensorControlUpdate` the client sent (focus as a dict, or None)."""
    try:
        return SensorControlUpdate.model_validate(body).model_dump(exclude_unset=True)
    except ValidationError as exc:
        raise RequestValidationError(_errors(exc)) from None


def _errors(exc: ValidationError, prefix: str = "") -> list[dict[str, Any]]:
    return [{"type": e["type"], "loc": ("body", *e["loc"]), "msg": prefix + e["msg"], "input": e.get("input")}
            for e in exc.errors(include_url=False)]


def parse_config(body: Any) -> ConfigRequest:
    """The posted configuration as a `ConfigRequest`; RequestValidationError (-> 422, the OpenAPI's
    HTTPValidationError) when the body is none of the three objects. The size fields other than
    `resolution`, and `sensor_crop`, are checked but not used: a camvault stream has one size."""
    errors: list[dict[str, Any]] = []
    for model in _choice_order(body):
        try:
            parsed = model.model_validate(body)
        except ValidationError as exc:
            errors += _errors(exc, f"{model.__name__}: ")
            continue
        if isinstance(parsed, CameraConfigBody):
            return ConfigRequest(ConfigShape.PLAIN, parsed.fps, size=(parsed.resolution[0], parsed.resolution[1]))
        shape = ConfigShape.COLOR if isinstance(parsed, ColorConfigBody) else ConfigShape.MONO
        return ConfigRequest(shape, parsed.fps, resolution=parsed.resolution)
    raise RequestValidationError(errors)


_COLOR_ONLY = {"still_size", "preview_size", "video_size", "sensor_crop"}


def _choice_order(body: Any) -> tuple[type[_Strict], ...]:
    """The object the body most likely means first: a list `resolution` is a plain size; a body
    with colour-only fields is tried as a colour configuration before a mono one."""
    if not isinstance(body, dict):
        return (MonoConfigBody,)
    if isinstance(body.get("resolution"), list):
        return (CameraConfigBody,)
    return (ColorConfigBody, MonoConfigBody) if _COLOR_ONLY & set(body) else (MonoConfigBody, ColorConfigBody)


def config_json(config: StreamConfig) -> dict[str, Any]:
    size = [config.width, config.height]
    if config.shape is ConfigShape.MONO:
        return {"resolution": config.resolution, "fps": config.fps}
    common = {"still_size": size, "preview_size": size, "video_size": size}
    if config.shape is ConfigShape.COLOR:
        return {"resolution": config.resolution, **common, "sensor_crop": [0.0, 0.0], "fps": config.fps}
    return {"resolution": size, **common, "fps": config.fps}


def control_json(control: SensorControl) -> dict[str, Any]:
    focus = control.focus
    return {
        "exposure_time": control.exposure_time, "sensitivity_iso": control.sensitivity_iso,
        "auto_exposure_enable": control.auto_exposure_enable,
        "auto_exposure_compensation": control.auto_exposure_compensation,
        "auto_exposure_limit": control.auto_exposure_limit, "auto_exposure_lock": control.auto_exposure_lock,
        "contrast": control.contrast, "brightness": control.brightness, "saturation": control.saturation,
        "chroma_denoise": control.chroma_denoise, "luma_denoise": control.luma_denoise,
        "auto_whitebalance_lock": control.auto_whitebalance_lock,
        "auto_whitebalance_mode": control.auto_whitebalance_mode.value,
        "manual_whitebalance": control.manual_whitebalance,
        "focus": None if focus is None else {"auto_focus_mode": focus.auto_focus_mode.value,
                                             "auto_focus_trigger": focus.auto_focus_trigger,
                                             "lens_position": focus.lens_position},
    }

