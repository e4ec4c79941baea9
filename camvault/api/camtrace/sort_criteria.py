"""Sort criteria: `GET /regex`, `POST /regex`, `PUT /regex/:id`, `DELETE /regex/:id`. Every user
lists, Admin changes. Choices where the document is silent: docs/ref/camtrace.md "Sort criteria"."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.camtrace.body import unwrapped_json
from camvault.api.camtrace.folder_json import regex_json
from camvault.api.deps import ServicesDep
from camvault.core.errors import BadRequest, NotFound

router = APIRouter()


@router.get("/regex")
def list_sort_criteria(services: ServicesDep, user: CamtraceUser) -> dict:
    return {"regex": [regex_json(c) for c in services.folders.criteria.list(user)]}


@router.post("/regex", status_code=201)
async def create_sort_criterion(request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    body = await unwrapped_json(request, "regex")
    value, groups = _params(body.get("params"))
    created = await run_in_threadpool(partial(services.folders.criteria.create, user, name=body.get("name"),
                                              value=value, groups=groups, default=bool(_default(body))))
    return {"regex": regex_json(created)}


@router.put("/regex/{criterion_id}")
async def update_sort_criterion(criterion_id: str, request: Request, services: ServicesDep,
                                user: CamtraceUser) -> dict:
    cid = _criterion_id(criterion_id)
    body = await unwrapped_json(request, "regex")
    params = _params(body["params"]) if "params" in body else None
    name = body.get("name")
    if "name" in body and name is None:
        name = ""                      # an explicit null name is refused like an empty one
    updated = await run_in_threadpool(partial(services.folders.criteria.update, user, cid, name=name, params=params,
                                              default=_default(body)))
    return {"regex": regex_json(updated)}


@router.delete("/regex/{criterion_id}", status_code=204)
def delete_sort_criterion(criterion_id: str, services: ServicesDep, user: CamtraceUser) -> Response:
    services.folders.criteria.delete(user, _criterion_id(criterion_id))
    return Response(status_code=204)


def _params(raw: Any) -> tuple[Any, Any]:
    """(value, group) of a `params` object; their contents are checked by the service."""
    if not isinstance(raw, dict):
        raise BadRequest('\'params\' must be an object {"value": "<regular expression>", "group": [1, ...]}',
                         key="regex_params_invalid")
    return raw.get("value"), raw.get("group")


def _default(body: dict) -> bool | None:
    value = body.get("default")
    if value is not None and not isinstance(value, bool):
        raise BadRequest("'default' must be true or false", key="invalid_boolean", field="default")
    return value


def _criterion_id(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise NotFound(f"Sort criterion {raw} not found", key="regex_not_found", id=raw)
    return int(raw)
