"""Commands ("exturls"): `GET /exturls` (`{"exturls": [{id, name, href}]}`, by id),
`GET /exturls/:id` (`{"exturls": {id, name, urls}}`), `GET /exturls/:id/trigger`
(`{"triggered": true}` at once; the URLs run in the background) for any authenticated user; Admin
extension `POST /exturls` (201 + Location), `PUT /exturls/:id` (full replacement),
`DELETE /exturls/:id` (204). Choices: docs/ref/camtrace.md "Commands"."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.camtrace.body import wrapped_body
from camvault.api.deps import ServicesDep
from camvault.core.commands import Command
from camvault.core.errors import NotFound
from camvault.core.rights import require_admin

router = APIRouter()

LIST_PATH = "/api/v1.2/exturls"


class CommandBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str
    urls: list[str]


def command_json(c: Command) -> dict:
    return {"id": c.id, "name": c.name, "urls": list(c.urls)}


def _command_id(raw: str) -> int:
    if not raw.isdigit():
        raise NotFound(f"Command {raw} not found", key="command_not_found", id=raw)
    return int(raw)


@router.get("/exturls")
def list_commands(services: ServicesDep, user: CamtraceUser) -> dict:
    return {"exturls": [{"id": c.id, "name": c.name, "href": f"{LIST_PATH}/{c.id}"} for c in services.commands.list()]}


@router.get("/exturls/{command_id}")
def get_command(command_id: str, services: ServicesDep, user: CamtraceUser) -> dict:
    return {"exturls": command_json(services.commands.get(_command_id(command_id)))}


@router.get("/exturls/{command_id}/trigger")
def trigger_command(command_id: str, services: ServicesDep, user: CamtraceUser) -> dict:
    services.commands.trigger(user, _command_id(command_id))
    return {"triggered": True}


@router.post("/exturls", status_code=201)
async def create_command(request: Request, response: Response, services: ServicesDep, user: CamtraceUser) -> dict:
    require_admin(user)
    body: CommandBody = await wrapped_body(request, "exturls", CommandBody)
    command = await run_in_threadpool(services.commands.create, user, body.name, body.urls)
    response.headers["Location"] = f"{LIST_PATH}/{command.id}"
    return {"exturls": command_json(command)}


@router.put("/exturls/{command_id}")
async def update_command(command_id: str, request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    cid = _command_id(command_id)
    require_admin(user)
    body: CommandBody = await wrapped_body(request, "exturls", CommandBody)
    command = await run_in_threadpool(services.commands.update, user, cid, body.name, body.urls)
    return {"exturls": command_json(command)}


@router.delete("/exturls/{command_id}", status_code=204)
def delete_command(command_id: str, services: ServicesDep, user: CamtraceUser) -> Response:
    services.commands.delete(user, _command_id(command_id))
    return Response(status_code=204)
