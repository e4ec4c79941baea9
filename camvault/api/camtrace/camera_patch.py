"""Extension (Admin): `PATCH /cameras/:id` changes only a camera's `name` and/or `isIgnored` (body
bare or `{"camera": {...}}`), keeping its source, streams and alarm settings; `PUT` replaces the
whole definition, which a client that never saw the source (not in the camera object) cannot send.
200 with the camera object; 404 unknown camera, 409 a camera of the config file, 400 bad fields.
Documented in docs/ref/camtrace.md."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.camtrace.body import wrapped_body
from camvault.api.camtrace.camera_json import camera_json
from camvault.api.camtrace.cameras import parse_camera_id
from camvault.api.deps import ServicesDep
from camvault.core.rights import require_admin

router = APIRouter()


class CameraPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    isIgnored: bool | None = None


@router.patch("/cameras/{camera_id}")
async def patch_camera(camera_id: str, request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    require_admin(user)
    cam = parse_camera_id(camera_id)
    body = await wrapped_body(request, "camera", CameraPatch)
    enabled = None if body.isIgnored is None else not body.isIgnored
    return camera_json(services.cameras.patch(user, cam, name=body.name, enabled=enabled), user)
