"""Mosaics ("groups"), under both /api/v1.2 and /api/v1: `GET /groups`, `GET /groups/:id`,
`POST /groups` (Admin; 201 + Location), `PUT /groups/:id` (in-depth with `{"group": {...}}`, cycle
with `{"levels": [...]}`; 200 + Content-Location), `GET /groups/:id/override?position=&cameraId=
&streamId=&duration=` (204), and the Admin extension `DELETE /groups/:id` (204). Links use the
prefix the request came in on. Choices where the document is silent: docs/ref/camtrace.md
"Mosaics (groups)". The MJPEG rendering (`/m?group=`) is in push.py.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.camtrace.mosaic_json import (
    creation,
    json_object,
    modification,
    mosaic_json,
    summary_json,
)
from camvault.api.deps import ServicesDep
from camvault.core.errors import BadRequest, NotFound

router = APIRouter()
MOUNT = ""
"""Every route is declared under both prefixes below (see api/camtrace/__init__.py)."""

PREFIXES = ("/api/v1.2", "/api/v1")


def _prefix(request: Request) -> str:
    return "/api/v1.2" if request.url.path.startswith("/api/v1.2/") else "/api/v1"


def group_id(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 9:
        raise NotFound(f"Mosaic {raw} not found", key="mosaic_not_found", id=raw)
    return int(raw)


def _query_int(request: Request, name: str, *, required: bool = False) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        if required:
            raise BadRequest(f"'{name}' is required (an integer)", key="invalid_integer", field=name)
        return None
    if not raw.strip().lstrip("-").isdigit() or len(raw.strip()) > 9:
        raise BadRequest(f"'{name}' must be an integer", key="invalid_integer", field=name)
    return int(raw)


def list_groups(request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    prefix = _prefix(request)
    return {"groups": [mosaic_json(m, prefix) for m in services.mosaics.list_for(user)]}


def get_group(group: str, request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    return mosaic_json(services.mosaics.get_for(user, group_id(group)), _prefix(request))


async def create_group(request: Request, response: Response, services: ServicesDep, user: CamtraceUser) -> dict:
    mosaic = creation(await json_object(request))
    created = await run_in_threadpool(services.mosaics.create, user, mosaic)
    response.headers["Location"] = f"{_prefix(request)}/groups/{created.id}"
    return {"group": summary_json(created)}


async def modify_group(group: str, request: Request, response: Response, services: ServicesDep,
                       user: CamtraceUser) -> dict:
    mosaic_id = group_id(group)
    kind, value = modification(await json_object(request))
    change = services.mosaics.modify if kind == "group" else services.mosaics.modify_cycle
    modified = await run_in_threadpool(change, user, mosaic_id, value)
    response.headers["Content-Location"] = f"{_prefix(request)}/groups/{mosaic_id}"
    return {"group": summary_json(modified)}


def delete_group(group: str, services: ServicesDep, user: CamtraceUser) -> Response:
    services.mosaics.delete(user, group_id(group))
    return Response(status_code=204)


def override_group(group: str, request: Request, services: ServicesDep, user: CamtraceUser) -> Response:
    services.mosaics.override(user, group_id(group), _query_int(request, "position", required=True),
                              camera_id=_query_int(request, "cameraId"), stream_id=_query_int(request, "streamId"),
                              duration_s=_query_int(request, "duration"))
    return Response(status_code=204, headers={"Content-Type": "text/html"})


ROUTES = (("GET", "/groups", list_groups, None), ("POST", "/groups", create_group, 201),
          ("GET", "/groups/{group}/override", override_group, 204), ("GET", "/groups/{group}", get_group, None),
          ("PUT", "/groups/{group}", modify_group, None), ("DELETE", "/groups/{group}", delete_group, 204))

for _prefix_path in PREFIXES:
    for _method, _path, _endpoint, _status in ROUTES:
        router.add_api_route(_prefix_path + _path, _endpoint, methods=[_method], status_code=_status,
                             name=_endpoint.__name__)
