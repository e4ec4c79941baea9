"""Maps (plans): `GET /maps`, `GET /maps/:uuid`, `GET /maps/:uuid/items`, `POST /maps` (Admin,
201 + Location), `PUT /maps/:uuid` (Admin or edit right; 200 + Content-Location), `DELETE
/maps/:uuid` (Admin, 204). Background images travel as base64 text in `image`. Choices where the
document is silent: docs/ref/camtrace.md "Maps"."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.camtrace.body import unwrapped_json
from camvault.api.camtrace.responses import json_answer
from camvault.api.deps import ServicesDep
from camvault.core.maps import MapBackground, MapItem, MapSummary
from camvault.services.map_images import encode_image

router = APIRouter()

LIST_PATH = "/api/v1.2/maps"


def _number(value: float) -> int | float:
    """1.0 -> 1 (the document writes integral decimals as integers)."""
    return int(value) if float(value).is_integer() else value


def summary_json(m: MapSummary) -> dict:
    return {"uuid": m.uuid, "name": m.name, "version": m.version, "detailUrl": f"{LIST_PATH}/{m.uuid}"}


def changed_json(m: MapSummary) -> dict:
    return {"uuid": m.uuid, "version": m.version, "name": m.name, "detailUrl": f"{LIST_PATH}/{m.uuid}"}


def item_json(item: MapItem) -> dict:
    properties = dict(item.properties)
    if item.children or "items" in properties:
        properties["items"] = [item_json(c) for c in item.children]
    return {"posX": item.pos_x, "posY": item.pos_y, "type": item.type, "width": item.width, "height": item.height,
            "zIndex": _number(item.z_index), "properties": properties}


def background_json(b: MapBackground) -> dict:
    return {"posX": b.pos_x, "posY": b.pos_y, "image": encode_image(b.image, b.image_prefix), "width": b.width,
            "height": b.height, "zIndex": _number(b.z_index)}


@router.get("/maps")
def list_maps(services: ServicesDep, user: CamtraceUser) -> dict:
    return {"maps": [summary_json(m) for m in services.maps.list_for(user)]}


@router.post("/maps", status_code=201)
async def create_map(request: Request, services: ServicesDep, user: CamtraceUser) -> Response:
    payload = await unwrapped_json(request, "map")
    created = await run_in_threadpool(services.maps.create, user, payload)
    answer = json_answer({"map": changed_json(created)}, status_code=201)
    answer.headers["Location"] = f"{LIST_PATH}/{created.uuid}"
    return answer


@router.get("/maps/{uuid}/items")
def map_items(uuid: str, services: ServicesDep, user: CamtraceUser) -> dict:
    return {"items": [item_json(i) for i in services.maps.items_for(user, uuid)]}


@router.get("/maps/{uuid}")
def get_map(uuid: str, services: ServicesDep, user: CamtraceUser) -> Response:
    m = services.maps.get_for(user, uuid)
    return json_answer({"map": {"uuid": m.uuid, "name": m.name, "version": m.version, "scale": _number(m.scale),
                                "items": [item_json(i) for i in m.items],
                                "backgrounds": [background_json(b) for b in m.backgrounds]}})


@router.put("/maps/{uuid}")
async def update_map(uuid: str, request: Request, services: ServicesDep, user: CamtraceUser) -> Response:
    payload = await unwrapped_json(request, "map")
    updated = await run_in_threadpool(services.maps.update, user, uuid, payload)
    answer = json_answer({"map": changed_json(updated)})
    answer.headers["Content-Location"] = f"{LIST_PATH}/{updated.uuid}"
    return answer


@router.delete("/maps/{uuid}", status_code=204)
def delete_map(uuid: str, services: ServicesDep, user: CamtraceUser) -> Response:
    services.maps.delete(user, uuid)
    return Response(status_code=204, media_type="text/html")
