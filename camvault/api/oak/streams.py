"""OAK streams: list, activate (201), deactivate (202), config get/post, control get/post and
still, exactly as the OpenAPI's `/cameras/{mxid}/streams/...` paths. Path parameters are checked
against the document's patterns (unanchored, as the product's FastAPI does: `xCAM_Ax` passes the
check and is then an unknown stream, 404). The two posts read their JSON body themselves
(`schemas`); the services' blocking work runs in the thread pool."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from camvault.api.deps import ServicesDep
from camvault.api.oak.auth import OakUser
from camvault.api.oak.cameras import Mxid
from camvault.api.oak.schemas import config_json, control_json, json_body, parse_config, parse_control
from camvault.core.sensors import SENSOR_PATTERN

router = APIRouter()

StreamName = Annotated[str, Path(pattern=SENSOR_PATTERN)]
STREAM = "/cameras/{mxid}/streams/{stream_name}"


@router.get("/cameras/{mxid}/streams/")
def list_streams(mxid: Mxid, user: OakUser, services: ServicesDep) -> list[dict]:
    return [{"name": s.sensor.name, "active": s.active} for s in services.sensors.streams(user, mxid)]


@router.post(STREAM + "/", status_code=201)
def activate_stream(stream_name: StreamName, mxid: Mxid, user: OakUser, services: ServicesDep) -> None:
    services.sensors.set_active(user, mxid, stream_name, True)


@router.delete(STREAM + "/", status_code=202)
def deactivate_stream(stream_name: StreamName, mxid: Mxid, user: OakUser, services: ServicesDep) -> None:
    services.sensors.set_active(user, mxid, stream_name, False)


@router.get(STREAM + "/config")
def get_stream_config(stream_name: StreamName, mxid: Mxid, user: OakUser, services: ServicesDep) -> dict:
    return config_json(services.sensors.config(user, mxid, stream_name))


@router.post(STREAM + "/config")
async def update_stream_config(stream_name: StreamName, mxid: Mxid, user: OakUser, services: ServicesDep,
                               request: Request) -> dict:
    config = parse_config(json_body(await request.body()))
    return config_json(await run_in_threadpool(services.sensors.set_config, user, mxid, stream_name, config))


@router.get(STREAM + "/control")
def get_stream_control(stream_name: StreamName, mxid: Mxid, user: OakUser, services: ServicesDep) -> dict:
    return control_json(services.sensors.control(user, mxid, stream_name))


@router.post(STREAM + "/control")
async def update_stream_control(stream_name: StreamName, mxid: Mxid, user: OakUser, services: ServicesDep,
                                request: Request) -> dict:
    changes = parse_control(json_body(await request.body()))
    result = await run_in_threadpool(services.sensors.set_control, user, mxid, stream_name, changes)
    body = control_json(result.control)
    if result.not_applied:
        body["not_applied"] = sorted(result.not_applied)
    return body


@router.get(STREAM + "/still")
def capture_still_image(stream_name: StreamName, mxid: Mxid, user: OakUser, services: ServicesDep,
                        format: str | None = "jpeg") -> Response:
    data, mime = services.sensors.still(user, mxid, stream_name, format)
    return Response(data, media_type=mime)
