"""Passive screens: `GET /screens`, `GET /screens/:id`, `PUT /screens/:id` (`{"screen": {"serverId",
"cameraId" | "groupId"}}`: what the screen shows), and the Admin extension `POST /screens`
(`{"screen": {"num", "name", "host", "displayCode"}}`) and `DELETE /screens/:id`. The screen itself
(its page and event stream) is in screen_view.py. Choices where the document is silent:
docs/ref/camtrace.md "Passive screens"."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.camtrace.body import unwrapped_json, validated
from camvault.api.deps import ServicesDep
from camvault.core.errors import BadRequest, NotFound
from camvault.core.screens import LOCAL_SERVER_ID, Screen
from camvault.services.screens import ScreenSpec

router = APIRouter()

LIST_PATH = "/api/v1.2/screens"


class PutBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    serverId: int | None = LOCAL_SERVER_ID
    cameraId: int | None = None
    groupId: int | None = None


class CreateBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    num: int
    name: str
    host: str = ""
    displayCode: int | None = None


def screen_json(s: Screen) -> dict:
    return {"id": s.id, "num": s.num, "name": s.name, "host": s.host, "serverId": s.server_id,
            "cameraId": s.camera_id, "groupId": s.mosaic_id, "displayCode": s.display_code}


def parse_screen_id(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 9:
        raise NotFound(f"Screen {raw} not found", key="screen_not_found", id=raw)
    return int(raw)


@router.get("/screens")
def list_screens(services: ServicesDep, _user: CamtraceUser) -> dict:
    return {"screens": [{**screen_json(s), "href": f"{LIST_PATH}/{s.id}"} for s in services.screens.list()]}


@router.get("/screens/{screen_id}")
def get_screen(screen_id: str, services: ServicesDep, _user: CamtraceUser) -> dict:
    return screen_json(services.screens.get(parse_screen_id(screen_id)))


@router.put("/screens/{screen_id}")
async def put_screen(screen_id: str, request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    sid = parse_screen_id(screen_id)
    body = validated(PutBody, await unwrapped_json(request, "screen"), "screen")
    if not {"cameraId", "groupId"} & body.model_fields_set:
        raise BadRequest("Give the screen a cameraId or a groupId (null: nothing)", key="screen_target_required")
    server_id = LOCAL_SERVER_ID if body.serverId is None else body.serverId
    screen = await run_in_threadpool(partial(services.screens.put, user, sid, camera_id=body.cameraId,
                                             mosaic_id=body.groupId, server_id=server_id))
    return screen_json(screen)


@router.post("/screens", status_code=201)
async def create_screen(request: Request, response: Response, services: ServicesDep, user: CamtraceUser) -> dict:
    body = validated(CreateBody, await unwrapped_json(request, "screen"), "screen")
    spec = ScreenSpec(num=body.num, name=body.name, host=body.host, display_code=body.displayCode)
    screen = await run_in_threadpool(services.screens.create, user, spec)
    response.headers["Location"] = f"{LIST_PATH}/{screen.id}"
    return screen_json(screen)


@router.delete("/screens/{screen_id}", status_code=204)
def delete_screen(screen_id: str, services: ServicesDep, user: CamtraceUser) -> Response:
    services.screens.delete(user, parse_screen_id(screen_id))
    return Response(status_code=204)
