"""Cameras: `GET /cameras`, `GET /cameras/:id`, and the admin extension `POST /cameras`,
`PUT /cameras/:id`, `DELETE /cameras/:id` (documented in docs/ref/camtrace.md)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from camvault.api.camtrace.alarm_body import MotionBody, alarm_settings_of
from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.camtrace.body import wrapped_body
from camvault.api.camtrace.camera_json import camera_json
from camvault.api.deps import ServicesDep
from camvault.core.errors import NotFound
from camvault.services.cameras import CameraSpec, StreamSpec

router = APIRouter()


class StreamBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: int = Field(ge=1)
    name: str = ""
    source: str | None = None
    roles: list[str] = Field(default_factory=list)
    quality: int = 3
    onDemand: bool = False


class CameraBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: int | None = Field(None, ge=1)
    name: str
    source: str
    model: str = ""
    serialNumber: str | None = None
    isIgnored: bool = False
    transport: Literal["tcp", "udp"] = "tcp"
    isUpsideDown: bool = False
    sliceMaxS: int | None = None
    retentionDays: float | None = None
    streams: list[StreamBody] = Field(default_factory=list)
    motion: MotionBody | None = None
    preAlarmS: float | None = Field(None, ge=0, le=60)

    def spec(self, camera_id: int | None) -> CameraSpec:
        return CameraSpec(name=self.name, source=self.source, id=camera_id, model=self.model,
                          serial_number=self.serialNumber, enabled=not self.isIgnored, transport=self.transport,
                          upside_down=self.isUpsideDown, slice_max_s=self.sliceMaxS,
                          retention_days=self.retentionDays,
                          streams=tuple(StreamSpec(s.id, s.name, s.source, tuple(s.roles), s.quality, s.onDemand)
                                        for s in self.streams),
                          alarm_settings=alarm_settings_of(self.motion, self.preAlarmS))


def parse_camera_id(raw: str) -> int:
    """A path camera id; anything that is not a positive integer names no camera (404)."""
    if not raw.isdigit():
        raise NotFound(f"Camera {raw} not found", key="camera_not_found", id=raw)
    return int(raw)


async def _camera_body(request: Request) -> CameraBody:
    return await wrapped_body(request, "camera", CameraBody)


@router.get("/cameras")
def list_cameras(services: ServicesDep, user: CamtraceUser) -> dict:
    return {"cameras": [camera_json(v, user) for v in services.cameras.list_for(user)]}


@router.get("/cameras/{camera_id}")
def get_camera(camera_id: str, services: ServicesDep, user: CamtraceUser) -> dict:
    return camera_json(services.cameras.get_for(user, parse_camera_id(camera_id)), user)


@router.post("/cameras", status_code=201)
async def create_camera(request: Request, response: Response, services: ServicesDep, user: CamtraceUser) -> dict:
    body = await _camera_body(request)
    view = services.cameras.create(user, body.spec(body.id))
    response.headers["Location"] = f"/api/v1.2/cameras/{view.camera.id}"
    return camera_json(view, user)


@router.put("/cameras/{camera_id}")
async def update_camera(camera_id: str, request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    cam = parse_camera_id(camera_id)
    body = await _camera_body(request)
    return camera_json(services.cameras.update(user, cam, body.spec(cam)), user)


@router.delete("/cameras/{camera_id}", status_code=204)
def delete_camera(camera_id: str, services: ServicesDep, user: CamtraceUser) -> Response:
    services.cameras.delete(user, parse_camera_id(camera_id))
    return Response(status_code=204)
