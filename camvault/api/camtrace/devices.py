"""Metadata connectors ("devices"), a camvault Admin extension: `GET /devices` (the connectors the
user holds a right on; admins all), `GET /devices/:uuid`, and for the Admin `POST /devices` (201 +
`Location`), `PUT /devices/:uuid` (only the fields given) and `DELETE /devices/:uuid` (204).
Bodies bare or wrapped as `{"device": {...}}`; see docs/ref/camtrace.md "Metadata events"."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, StrictInt, StrictStr
from starlette.concurrency import run_in_threadpool

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.camtrace.body import wrapped_body
from camvault.api.deps import ServicesDep
from camvault.core.metadata import Connector

router = APIRouter()

PATH = "/api/v1.2/devices"
_FIELDS = {"name": "name", "cameraIds": "camera_ids", "eventTypes": "event_types", "alarmTypes": "alarm_types"}


class DeviceBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    uuid: StrictStr | None = None
    name: StrictStr | None = None
    cameraIds: list[StrictInt] | None = None
    eventTypes: list[StrictStr] | None = None
    alarmTypes: list[StrictStr] | None = None

    def fields(self) -> dict:
        """The connector fields the body gives (service names)."""
        return {_FIELDS[k]: getattr(self, k) for k in _FIELDS if k in self.model_fields_set}


def device_json(c: Connector) -> dict:
    return {"uuid": c.uuid, "name": c.name, "cameraIds": list(c.camera_ids),
            "eventTypes": None if c.event_types is None else list(c.event_types),
            "alarmTypes": None if c.alarm_types is None else list(c.alarm_types)}


@router.get("/devices")
def list_devices(services: ServicesDep, user: CamtraceUser) -> dict:
    return {"devices": [device_json(c) for c in services.metadata.connectors.list_for(user)]}


@router.get("/devices/{uuid}")
def get_device(uuid: str, services: ServicesDep, user: CamtraceUser) -> dict:
    return {"device": device_json(services.metadata.connectors.get_for(user, uuid))}


@router.post("/devices", status_code=201)
async def create_device(request: Request, response: Response, services: ServicesDep, user: CamtraceUser) -> dict:
    body = await wrapped_body(request, "device", DeviceBody)
    connector = await run_in_threadpool(partial(services.metadata.connectors.create, user, uuid=body.uuid,
                                                **body.fields()))
    response.headers["Location"] = f"{PATH}/{connector.uuid}"
    return {"device": device_json(connector)}


@router.put("/devices/{uuid}")
async def update_device(uuid: str, request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    body = await wrapped_body(request, "device", DeviceBody)
    connector = await run_in_threadpool(partial(services.metadata.connectors.update, user, uuid, **body.fields()))
    return {"device": device_json(connector)}


@router.delete("/devices/{uuid}", status_code=204)
def delete_device(uuid: str, services: ServicesDep, user: CamtraceUser) -> Response:
    services.metadata.connectors.delete(user, uuid)
    return Response(status_code=204)
