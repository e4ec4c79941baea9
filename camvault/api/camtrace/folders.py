"""Folders: `GET /folders?details=`, `GET /folders/:uuid`, `POST /folders`, `PUT /folders/:uuid`,
`PATCH /folders` (weights of several folders), `DELETE /folders/:uuid`. Every user reads (items
filtered by rights), Admin changes. Choices where the document is silent: docs/ref/camtrace.md
"Folders"."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.camtrace.body import unwrapped_json
from camvault.api.camtrace.folder_json import (
    LIST_PATH,
    folder_detail,
    folder_summary,
    json_int,
    parse_items,
)
from camvault.api.camtrace.query import optional_bool
from camvault.api.deps import ServicesDep
from camvault.core.errors import BadRequest
from camvault.services.folders import KEEP

router = APIRouter()


@router.get("/folders")
def list_folders(request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    details = bool(optional_bool(request, "details"))
    views = services.folders.list_for(user, details=details)
    if not details:
        return {"folders": [folder_summary(v.folder) for v in views]}
    return {"folders": [{**folder_summary(v.folder), **folder_detail(v.folder, v.criterion)} for v in views]}


@router.get("/folders/{uuid}")
def get_folder(uuid: str, services: ServicesDep, user: CamtraceUser) -> dict:
    view = services.folders.get_for(user, uuid)
    return {"folder": folder_detail(view.folder, view.criterion)}


@router.post("/folders", status_code=201)
async def create_folder(request: Request, response: Response, services: ServicesDep, user: CamtraceUser) -> dict:
    body = await unwrapped_json(request, "folder")
    if "items" not in body:
        raise BadRequest("'items' must be a list (it may be empty)", key="folder_item_list", path="items")
    folder = await run_in_threadpool(partial(
        services.folders.create, user, name=body.get("name"),
        regex_id=json_int(body.get("regexId"), "regexId", nullable=True), items=parse_items(body["items"])))
    response.headers["Location"] = f"{LIST_PATH}/{folder.uuid}"
    return {"folder": folder_summary(folder)}


@router.put("/folders/{uuid}")
async def update_folder(uuid: str, request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    body = await unwrapped_json(request, "folder")
    changes: dict[str, Any] = {"name": body.get("name"),
                               "regex_id": json_int(body["regexId"], "regexId", nullable=True)
                               if "regexId" in body else KEEP,
                               "items": parse_items(body["items"]) if "items" in body else None}
    folder = await run_in_threadpool(partial(services.folders.update, user, uuid, **changes))
    return {"folder": folder_summary(folder)}


@router.patch("/folders", status_code=204)
async def set_folder_weights(request: Request, services: ServicesDep, user: CamtraceUser) -> Response:
    weights = _weights(await _json(request))
    await run_in_threadpool(services.folders.set_weights, user, weights)
    return Response(status_code=204)


@router.delete("/folders/{uuid}", status_code=204)
def delete_folder(uuid: str, services: ServicesDep, user: CamtraceUser) -> Response:
    services.folders.delete(user, uuid)
    return Response(status_code=204)


async def _json(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        raise BadRequest("The body must be JSON", key="invalid_json") from None


def _weights(payload: Any) -> dict[str, int]:
    """`{"folders": [{"uuid", "weight"}, ...]}` (or the bare list) -> uuid -> weight (the last wins)."""
    entries = payload.get("folders") if isinstance(payload, dict) else payload
    if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("uuid"), str)
                                                for e in entries):
        raise BadRequest('The body must be {"folders": [{"uuid": "...", "weight": 0}, ...]}',
                         key="folder_weights_invalid")
    return {e["uuid"]: json_int(e.get("weight"), f"folders[{i}].weight", nullable=False)
            for i, e in enumerate(entries)}
