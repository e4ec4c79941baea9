"""Metadata events: `POST /devices/:uuid/events` (201, `{"event": {"eventId", "type",
"timestamp"}}`), `GET /devices/:uuid/proxy/events/search/criteria` (`{"criteria": [...]}`) and
`POST /devices/:uuid/proxy/events/search` (`{"events": [...]}`, oldest first; paging extension
`?limit=&offset=` with `Link: rel="next"`). Choices: docs/ref/camtrace.md "Metadata events"."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.camtrace.body import unwrapped_json
from camvault.api.camtrace.paging import parse_paging, set_next_link
from camvault.api.camtrace.responses import json_answer
from camvault.api.deps import ServicesDep
from camvault.core.errors import BadRequest
from camvault.core.metadata import MetadataEvent
from camvault.core.metadata_events import format_time_us
from camvault.core.metadata_search import criterion_json

router = APIRouter()

DEFAULT_LIMIT = 1000


def event_json(e: MetadataEvent) -> dict:
    """An event as the search answers it."""
    return {"id": e.event_id, "sourceId": e.connector_uuid, "timestamp": format_time_us(e.time_us), "type": e.type,
            "description": {"params": dict(e.params)}, "label": e.label}


@router.post("/devices/{uuid}/events", status_code=201)
async def insert_metadata_event(uuid: str, request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    payload = await unwrapped_json(request, "event")
    event = await run_in_threadpool(partial(services.metadata.insert, user, uuid, payload))
    return {"event": {"eventId": event.event_id, "type": event.type, "timestamp": format_time_us(event.time_us)}}


@router.get("/devices/{uuid}/proxy/events/search/criteria")
def metadata_search_criteria(uuid: str, services: ServicesDep, user: CamtraceUser) -> dict:
    return {"criteria": [criterion_json(c) for c in services.metadata.criteria(user, uuid)]}


@router.post("/devices/{uuid}/proxy/events/search")
async def search_metadata_events(uuid: str, request: Request, response: Response, services: ServicesDep,
                                 user: CamtraceUser) -> Response:
    paging = parse_paging(request, default_limit=DEFAULT_LIMIT, max_limit=DEFAULT_LIMIT)
    criteria = (await _search_body(request)).get("criteria")
    page = await run_in_threadpool(partial(services.metadata.search, user, uuid, criteria, limit=paging.limit,
                                           offset=paging.offset))
    set_next_link(request, response, paging, page.has_more)
    return json_answer({"events": [event_json(e) for e in page.items]}, response)


async def _search_body(request: Request) -> dict[str, Any]:
    """The search body; an empty one searches without criteria."""
    if not (await request.body()).strip():
        return {}
    try:
        payload = await request.json()
    except ValueError:
        raise BadRequest("The body must be JSON", key="invalid_json") from None
    if not isinstance(payload, dict):
        raise BadRequest('The body must be a JSON object {"criteria": [...]}', key="invalid_json")
    return payload
