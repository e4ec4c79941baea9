"""Monitoring (Admin or Monitor): `GET /license`, `POST /license` (Admin), `GET /sysinfo`,
`GET /health`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.deps import ServicesDep
from camvault.core.errors import BadRequest

router = APIRouter()


@router.get("/license")
def get_licence(services: ServicesDep, user: CamtraceUser) -> dict:
    return {"license": services.monitoring.licence(user)}


@router.post("/license", status_code=201)
async def post_licence(request: Request, services: ServicesDep, user: CamtraceUser) -> Response:
    try:
        body: Any = await request.json()
    except ValueError:
        raise BadRequest("The body must be JSON", key="invalid_json") from None
    content = body.get("license") if isinstance(body, dict) else None
    if not isinstance(content, str):
        raise BadRequest("'license' must hold the licence file content", key="invalid_licence")
    services.monitoring.update_licence(user, content)
    return Response(status_code=201)


@router.get("/sysinfo")
def sysinfo(services: ServicesDep, user: CamtraceUser) -> dict:
    return services.monitoring.sysinfo(user)


@router.get("/health")
def health(services: ServicesDep, user: CamtraceUser) -> dict:
    result = services.monitoring.health(user)
    return {"health": {"recorder": result.recorder, "cameras": result.cameras, "hardware": result.hardware,
                       "errorDetails": {k: v for k, v in result.errors.items() if v}}}
