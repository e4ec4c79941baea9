"""PTZ: `GET /cameras/:id/ptz?cmd=...` (the document's "Moving a PTZ camera"), and the extensions
documented in docs/ref/camtrace.md: the current position, and presets and tours (admin).

This adapter turns the CamTrace query into a `core.ptz` command, checking every parameter (400 with
a message naming it); rights, the camera and its PTZ are the service's. CamTrace units: cptm x/y and
czm q are speeds in -100..100 (cptm y > 0 tilts down, as in the picture), zoom q is a step count in
-10..10, area/center points are pixels of a w x h picture.
"""

from __future__ import annotations

import math
from typing import Callable, Mapping
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.camtrace.body import wrapped_body
from camvault.api.camtrace.cameras import parse_camera_id
from camvault.api.deps import ServicesDep
from camvault.core.errors import BadRequest
from camvault.core.ptz import (
    AreaZoom,
    CenterOn,
    GotoPreset,
    Nudge,
    PanTiltSpeed,
    Preset,
    PtzCommand,
    RunTour,
    Tour,
    TourStep,
    ZoomBy,
    ZoomSpeed,
)

router = APIRouter()

DIRECTIONS = {"down": "down", "left": "left", "right": "right", "up": "up", "plus": "in", "minus": "out"}
"""CamTrace `ptz arg` values -> core nudge directions."""


class _Query:
    """The query parameters of one command, with checks whose messages name the parameter."""

    def __init__(self, query: Mapping[str, str], cmd: str) -> None:
        self._query, self.cmd = query, cmd

    def text(self, name: str) -> str:
        value = self._query.get(name)
        if value is None or value == "":
            raise BadRequest(f"Missing parameter '{name}' for cmd={self.cmd}", key="ptz_missing_parameter",
                             name=name, cmd=self.cmd)
        return value

    def number(self, name: str, low: float | None = None, high: float | None = None, *,
               bounds: str | None = None) -> float:
        raw = self.text(name)
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise BadRequest(f"Parameter '{name}' must be a number (got {raw!r})", key="ptz_not_a_number",
                             name=name)
        if (low is not None and value < low) or (high is not None and value > high):
            raise BadRequest(f"Parameter '{name}' must be between {bounds or f'{low:g} and {high:g}'} "
                             f"(got {raw})", key="ptz_out_of_range", name=name)
        return value

    def size(self, name: str) -> float:
        value = self.number(name)
        if value <= 0:
            raise BadRequest(f"Parameter '{name}' must be a positive picture size (got {self.text(name)})",
                             key="ptz_out_of_range", name=name)
        return value

    def point(self, name: str, extent_name: str, extent: float) -> float:
        """A pixel coordinate in 0..extent, as a view coordinate in -1..1."""
        value = self.number(name, 0, extent, bounds=f"0 and {extent_name} ({extent:g})")
        return 2 * value / extent - 1

    def present(self, name: str) -> bool:
        return self._query.get(name) not in (None, "")


def _area(q: _Query) -> PtzCommand:
    w, h = q.size("w"), q.size("h")
    fx0, fy0 = q.point("x0", "w", w), q.point("y0", "h", h)
    fx1, fy1 = q.point("x1", "w", w), q.point("y1", "h", h)
    if fx0 == fx1 or fy0 == fy1:
        raise BadRequest("The area must not be empty: x0 and x1 must differ, and y0 and y1",
                         key="ptz_empty_area")
    return AreaZoom(fx0, fy0, fx1, fy1)


def _center(q: _Query) -> PtzCommand:
    w, h = q.size("w"), q.size("h")
    return CenterOn(q.point("x", "w", w), q.point("y", "h", h))


def _cptm(q: _Query) -> PtzCommand:
    for name in ("w", "h"):
        if q.present(name):
            q.size(name)
    return PanTiltSpeed(q.number("x", -100, 100) / 100, 0.0 - q.number("y", -100, 100) / 100)


def _czm(q: _Query) -> PtzCommand:
    return ZoomSpeed(q.number("q", -100, 100) / 100)


def _zoom(q: _Query) -> PtzCommand:
    return ZoomBy(q.number("q", -10, 10))


def _ptz(q: _Query) -> PtzCommand:
    arg = q.text("arg")
    if arg not in DIRECTIONS:
        raise BadRequest(f"Parameter 'arg' must be one of {', '.join(DIRECTIONS)} for cmd=ptz (got {arg!r})",
                         key="ptz_invalid_direction")
    return Nudge(DIRECTIONS[arg])


COMMANDS: dict[str, Callable[[_Query], PtzCommand]] = {
    "area": _area, "center": _center, "cptm": _cptm, "czm": _czm,
    "preset": lambda q: GotoPreset(q.text("arg")), "ptz": _ptz,
    "tour": lambda q: RunTour(q.text("arg")), "zoom": _zoom,
}


def parse_command(query: Mapping[str, str]) -> PtzCommand:
    """The command a CamTrace PTZ query asks for; BadRequest naming the faulty parameter."""
    cmd = query.get("cmd")
    if not cmd:
        raise BadRequest(f"Missing parameter 'cmd' (one of {', '.join(COMMANDS)})", key="ptz_missing_parameter",
                         name="cmd")
    parser = COMMANDS.get(cmd)
    if parser is None:
        raise BadRequest(f"Unknown PTZ command {cmd!r}: use one of {', '.join(COMMANDS)}", key="ptz_unknown_command",
                         cmd=cmd)
    return parser(_Query(query, cmd))


@router.get("/cameras/{camera_id}/ptz")
def ptz_command(camera_id: str, request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    cam = parse_camera_id(camera_id)
    services.ptz.execute(user, cam, parse_command(request.query_params))
    return {}


@router.get("/cameras/{camera_id}/ptz/position")
def ptz_position(camera_id: str, services: ServicesDep, user: CamtraceUser) -> dict:
    status = services.ptz.status(user, parse_camera_id(camera_id))
    p, v = status.position, status.velocity
    return {"position": {"pan": p.pan, "tilt": p.tilt, "zoom": p.zoom},
            "velocity": {"pan": v.pan, "tilt": v.tilt, "zoom": v.zoom}, "tour": status.tour_id}


# --- presets and tours (extension) --------------------------------------------------------------
class PresetBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=200)
    pan: float | None = None
    tilt: float | None = None
    zoom: float | None = None
    deviceToken: str | None = None


class StepBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    preset: str
    dwellS: float


class TourBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=200)
    steps: list[StepBody]


def preset_json(p: Preset) -> dict:
    return {"id": p.preset_id, "name": p.name, "pan": p.position.pan, "tilt": p.position.tilt,
            "zoom": p.position.zoom, "deviceToken": p.device_token}


def tour_json(t: Tour) -> dict:
    return {"id": t.tour_id, "name": t.name, "steps": [{"preset": s.preset_id, "dwellS": s.dwell_s} for s in t.steps]}


@router.get("/cameras/{camera_id}/ptz/presets")
def list_presets(camera_id: str, services: ServicesDep, user: CamtraceUser) -> dict:
    return {"presets": [preset_json(p) for p in services.ptz.presets(user, parse_camera_id(camera_id))]}


@router.put("/cameras/{camera_id}/ptz/presets/{preset_id}")
async def put_preset(camera_id: str, preset_id: str, request: Request, response: Response, services: ServicesDep,
                     user: CamtraceUser) -> dict:
    cam = parse_camera_id(camera_id)
    body: PresetBody = await wrapped_body(request, "preset", PresetBody, optional=True)
    preset, created = await run_in_threadpool(          # may ask the device where it points
        lambda: services.ptz.put_preset(user, cam, preset_id, name=body.name, pan=body.pan, tilt=body.tilt,
                                        zoom=body.zoom, device_token=body.deviceToken))
    if created:
        response.status_code = 201
        response.headers["Location"] = f"/api/v1.2/cameras/{cam}/ptz/presets/{quote(preset_id)}"
    return {"preset": preset_json(preset)}


@router.delete("/cameras/{camera_id}/ptz/presets/{preset_id}", status_code=204)
def delete_preset(camera_id: str, preset_id: str, services: ServicesDep, user: CamtraceUser) -> Response:
    services.ptz.delete_preset(user, parse_camera_id(camera_id), preset_id)
    return Response(status_code=204)


@router.get("/cameras/{camera_id}/ptz/tours")
def list_tours(camera_id: str, services: ServicesDep, user: CamtraceUser) -> dict:
    return {"tours": [tour_json(t) for t in services.ptz.tours(user, parse_camera_id(camera_id))]}


@router.put("/cameras/{camera_id}/ptz/tours/{tour_id}")
async def put_tour(camera_id: str, tour_id: str, request: Request, response: Response, services: ServicesDep,
                   user: CamtraceUser) -> dict:
    cam = parse_camera_id(camera_id)
    body: TourBody = await wrapped_body(request, "tour", TourBody)
    steps = [TourStep(s.preset, s.dwellS) for s in body.steps]
    tour, created = await run_in_threadpool(lambda: services.ptz.put_tour(user, cam, tour_id, name=body.name,
                                                                          steps=steps))
    if created:
        response.status_code = 201
        response.headers["Location"] = f"/api/v1.2/cameras/{cam}/ptz/tours/{quote(tour_id)}"
    return {"tour": tour_json(tour)}


@router.delete("/cameras/{camera_id}/ptz/tours/{tour_id}", status_code=204)
def delete_tour(camera_id: str, tour_id: str, services: ServicesDep, user: CamtraceUser) -> Response:
    services.ptz.delete_tour(user, parse_camera_id(camera_id), tour_id)
    return Response(status_code=204)
