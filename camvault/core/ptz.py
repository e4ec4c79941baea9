"""PTZ (pan, tilt, zoom) in one normalised space: positions, speeds, commands and the pure math that
turns a command into a new position. No I/O, no clock: callers pass elapsed times.

Units and directions (the ONVIF generic spaces, so an ONVIF driver passes values through unchanged):
- position: `pan` and `tilt` in [-1, 1] (0 = home; pan > 0 turns right, tilt > 0 turns up), `zoom`
  in [0, 1] (0 = widest). Magnification is `max_mag ** zoom`.
- velocity: each axis in [-1, 1], a fraction of the top speed (`PAN_TILT_UNITS_PER_S`,
  `ZOOM_UNITS_PER_S`), so a full sweep of the pan range takes 4 s at full speed.
- view coordinates: `fx`, `fy` in [-1, 1] across the picture as the client sees it (fx > 0 right of
  the centre, fy > 0 below it).
- geometry: how much of the pan/tilt range the picture spans at zoom 0 (`fov_pan`, `fov_tilt`, in
  position units) and the magnification at zoom 1 (`max_mag`); the span shrinks as 1/magnification.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Union

PAN_TILT_UNITS_PER_S = 0.5
"""Pan/tilt speed at velocity 1 (position units per second)."""

ZOOM_UNITS_PER_S = 0.25
"""Zoom speed at velocity 1 (zoom units per second)."""

ZOOM_STEPS = 10
"""`zoom` steps across the whole zoom range (CamTrace's q runs -10..10)."""

NUDGE_FRACTION = 0.25
"""A nudge (`ptz arg=left` ...) turns by this fraction of the current view."""

DIRECTIONS = ("up", "down", "left", "right", "in", "out")


def _clamp(value: float, low: float, high: float) -> float:
    return float(min(high, max(low, value)))


@dataclass(frozen=True)
class PtzPosition:
    pan: float = 0.0
    tilt: float = 0.0
    zoom: float = 0.0

    def clamped(self) -> "PtzPosition":
        return PtzPosition(_clamp(self.pan, -1, 1), _clamp(self.tilt, -1, 1), _clamp(self.zoom, 0, 1))

    def minus(self, other: "PtzPosition") -> "PtzPosition":
        """The translation from `other` to this position (components may leave the ranges)."""
        return PtzPosition(self.pan - other.pan, self.tilt - other.tilt, self.zoom - other.zoom)


HOME = PtzPosition()


@dataclass(frozen=True)
class PtzVelocity:
    pan: float = 0.0
    tilt: float = 0.0
    zoom: float = 0.0

    @property
    def is_zero(self) -> bool:
        return self.pan == 0 and self.tilt == 0 and self.zoom == 0


STOPPED = PtzVelocity()


@dataclass(frozen=True)
class PtzGeometry:
    fov_pan: float
    fov_tilt: float
    max_mag: float

    def magnification(self, zoom: float) -> float:
        return self.max_mag ** _clamp(zoom, 0, 1)

    def zoom_for(self, magnification: float) -> float:
        return _clamp(math.log(max(magnification, 1.0)) / math.log(self.max_mag), 0, 1)

    def span(self, zoom: float) -> tuple[float, float]:
        """(pan, tilt) units the picture spans at this zoom."""
        mag = self.magnification(zoom)
        return self.fov_pan / mag, self.fov_tilt / mag


@dataclass(frozen=True)
class PtzCapabilities:
    """What a camera's PTZ supports, as the CamTrace camera object reports it."""

    click: bool = False
    areazoom: bool = False
    zoomback: bool = False
    continuous: bool = False


@dataclass(frozen=True)
class Preset:
    """A stored position of a camera; `device_token` names a preset the device itself stores (ONVIF),
    used instead of the position when set."""

    camera_id: int
    preset_id: str
    name: str
    position: PtzPosition
    device_token: str | None = None
    updated_ms: int = 0


@dataclass(frozen=True)
class TourStep:
    preset_id: str
    dwell_s: float


@dataclass(frozen=True)
class Tour:
    """A guard tour: presets visited in order, staying `dwell_s` at each, round and round."""

    camera_id: int
    tour_id: str
    name: str
    steps: tuple[TourStep, ...]
    updated_ms: int = 0


# --- commands (dialect-neutral; a dialect adapter builds them from its own request) -------------
@dataclass(frozen=True)
class CenterOn:
    """Turn so that the view point (fx, fy) becomes the centre."""
    fx: float
    fy: float


@dataclass(frozen=True)
class AreaZoom:
    """Centre on a rectangle of the view and zoom until it fills the picture."""
    fx0: float
    fy0: float
    fx1: float
    fy1: float


@dataclass(frozen=True)
class ZoomBy:
    """Zoom in (steps > 0) or out by `steps` of `ZOOM_STEPS` across the range."""
    steps: float


@dataclass(frozen=True)
class Nudge:
    """One step in a direction of `DIRECTIONS`."""
    direction: str


@dataclass(frozen=True)
class PanTiltSpeed:
    """Continuous pan/tilt at these velocities until changed; (0, 0) stops pan/tilt (zoom keeps going)."""
    pan: float
    tilt: float


@dataclass(frozen=True)
class ZoomSpeed:
    """Continuous zoom at this velocity until changed; 0 stops zooming (pan/tilt keep going)."""
    zoom: float


@dataclass(frozen=True)
class GotoPreset:
    preset_id: str


@dataclass(frozen=True)
class RunTour:
    tour_id: str


PtzCommand = Union[CenterOn, AreaZoom, ZoomBy, Nudge, PanTiltSpeed, ZoomSpeed, GotoPreset, RunTour]


# --- math -----------------------------------------------------------------------------------------
def center_on(pos: PtzPosition, geometry: PtzGeometry, fx: float, fy: float) -> PtzPosition:
    span_pan, span_tilt = geometry.span(pos.zoom)
    return replace(pos, pan=pos.pan + fx * span_pan / 2, tilt=pos.tilt - fy * span_tilt / 2).clamped()


def area_zoom(pos: PtzPosition, geometry: PtzGeometry, fx0: float, fy0: float, fx1: float, fy1: float
              ) -> PtzPosition:
    """Centre on the area and magnify so that it fits the picture (its larger side fills it)."""
    width, height = abs(fx1 - fx0), abs(fy1 - fy0)
    if width <= 0 or height <= 0:
        raise ValueError("the area must have a width and a height")
    centred = center_on(pos, geometry, (fx0 + fx1) / 2, (fy0 + fy1) / 2)
    magnification = geometry.magnification(pos.zoom) * min(2 / width, 2 / height)
    return replace(centred, zoom=geometry.zoom_for(magnification))


def zoom_by(pos: PtzPosition, steps: float) -> PtzPosition:
    return replace(pos, zoom=pos.zoom + steps / ZOOM_STEPS).clamped()


def nudge(pos: PtzPosition, geometry: PtzGeometry, direction: str) -> PtzPosition:
    if direction == "in":
        return zoom_by(pos, 1)
    if direction == "out":
        return zoom_by(pos, -1)
    span_pan, span_tilt = geometry.span(pos.zoom)
    d_pan, d_tilt = {"left": (-1, 0), "right": (1, 0), "up": (0, 1), "down": (0, -1)}[direction]
    return replace(pos, pan=pos.pan + d_pan * NUDGE_FRACTION * span_pan,
                   tilt=pos.tilt + d_tilt * NUDGE_FRACTION * span_tilt).clamped()


def advance(pos: PtzPosition, velocity: PtzVelocity, elapsed_s: float) -> PtzPosition:
    """Where a continuous move at `velocity` from `pos` is after `elapsed_s` (stops at the limits)."""
    if velocity.is_zero or elapsed_s <= 0:
        return pos
    return PtzPosition(pos.pan + velocity.pan * PAN_TILT_UNITS_PER_S * elapsed_s,
                       pos.tilt + velocity.tilt * PAN_TILT_UNITS_PER_S * elapsed_s,
                       pos.zoom + velocity.zoom * ZOOM_UNITS_PER_S * elapsed_s).clamped()


def target_of(command: PtzCommand, pos: PtzPosition, geometry: PtzGeometry) -> PtzPosition:
    """The position a positioning command (CenterOn, AreaZoom, ZoomBy, Nudge) leads to from `pos`."""
    if isinstance(command, CenterOn):
        return center_on(pos, geometry, command.fx, command.fy)
    if isinstance(command, AreaZoom):
        return area_zoom(pos, geometry, command.fx0, command.fy0, command.fx1, command.fy1)
    if isinstance(command, ZoomBy):
        return zoom_by(pos, command.steps)
    if isinstance(command, Nudge):
        return nudge(pos, geometry, command.direction)
    raise TypeError(f"{type(command).__name__} is not a positioning command")
