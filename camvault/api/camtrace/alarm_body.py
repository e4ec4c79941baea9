"""The alarm part of the admin camera body (extension, docs/ref/camtrace.md): `motion` (enabled,
sensitivity, minArea, zones, releaseS) and `preAlarmS`, mirroring the config file's camera
`motion` and `pre_alarm_s`. Unknown fields are refused (400 through the camera body)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from camvault.core.alarms import CameraAlarmSettings
from camvault.core.motion import MotionSettings, MotionZone


class ZoneBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    x: float = Field(ge=0, lt=1)
    y: float = Field(ge=0, lt=1)
    width: float = Field(gt=0, le=1)
    height: float = Field(gt=0, le=1)


class MotionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enabled: bool = False
    sensitivity: int = Field(50, ge=1, le=100)
    minArea: float = Field(0.01, gt=0, le=1)
    zones: list[ZoneBody] = Field(default_factory=list)
    releaseS: float = Field(5, ge=0, le=3600)


def alarm_settings_of(motion: MotionBody | None, pre_alarm_s: float | None) -> CameraAlarmSettings:
    m = motion or MotionBody()
    zones = tuple(MotionZone(z.x, z.y, z.width, z.height) for z in m.zones)
    return CameraAlarmSettings(MotionSettings(enabled=m.enabled, sensitivity=m.sensitivity, min_area=m.minArea,
                                              zones=zones, release_s=m.releaseS), pre_alarm_s=pre_alarm_s)
