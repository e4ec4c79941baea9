"""Alarms: `GET /cameras/alarms` and `GET /cameras/:id/alarms` (`q`, `from`, `to`, `limit`,
`offset`, newest first, `Link: rel="next"`; extension: `kind` and `state` filters, `kind` and `endTime`
fields), `GET /cameras/alarms/trigger?cameraId=&type=` and
`/untrigger?cameraId=` (200, empty `text/html`), and `GET /cameras/alarms/:id.jpg?w=&h=` (no
authentication, as documented).

Registered before the cameras router: `/cameras/alarms` must not be read as `/cameras/{camera_id}`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.camtrace.cameras import parse_camera_id
from camvault.api.camtrace.paging import parse_paging, set_next_link
from camvault.api.camtrace.responses import json_answer
from camvault.api.deps import ServicesDep
from camvault.core.alarms import MOTION, TRIGGER, Alarm, AlarmFilter
from camvault.core.errors import BadRequest, NotFound
from camvault.core.timefmt import format_iso_s, parse_iso_ms

router = APIRouter()

THUMBNAIL_PX = 50
KINDS = {MOTION: MOTION, TRIGGER: TRIGGER}
STATES = {"active": True, "ended": False}
"""The `state` filter (extension): alarms that have not ended, or ended ones."""


def alarm_json(alarm: Alarm) -> dict:
    picture = f"/api/v1.2/cameras/alarms/{alarm.id}.jpg"
    return {"id": alarm.id, "time": format_iso_s(alarm.time_ms),
            "recordTime": format_iso_s(alarm.record_ms) if alarm.record_ms is not None else None,
            "cameraId": alarm.camera_id, "description": alarm.description, "snapshot": picture,
            "thumbnail": f"{picture}?w={THUMBNAIL_PX}&h={THUMBNAIL_PX}",
            "kind": alarm.kind, "endTime": format_iso_s(alarm.end_ms) if alarm.end_ms is not None else None}


def _required_camera_ids(request: Request) -> list[int]:
    raw = request.query_params.get("cameraId", "").strip()
    parts = [p.strip() for p in raw.split(",")] if raw else []
    if not parts or not all(p.isdigit() for p in parts):
        raise BadRequest("cameraId is mandatory: one or more camera ids separated by ,",
                         key="invalid_camera_id", value=raw)
    return [int(p) for p in parts]


def _date(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    return parse_iso_ms(raw, field=name) if raw else None


def _choice(request: Request, name: str, values: dict):
    """The value `values` maps the argument to; None when absent or empty; 400 for anything else."""
    raw = request.query_params.get(name)
    if not raw:
        return None
    if raw not in values:
        raise BadRequest(f"Invalid field '{name}': expected one of {', '.join(values)}", key="invalid_field",
                         field=name)
    return values[raw]


def _size(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        raise BadRequest(f"'{name}' must be a positive integer (pixels)", key="invalid_integer", field=name)
    return int(raw)


def _list(request: Request, response: Response, services: ServicesDep, user,
          camera_ids: list[int] | None) -> Response:
    paging = parse_paging(request)
    where = AlarmFilter(camera_ids, _date(request, "from"), _date(request, "to"),
                        request.query_params.get("q") or None, _choice(request, "kind", KINDS),
                        _choice(request, "state", STATES))
    page = services.alarms.list_for(user, where, limit=paging.limit, offset=paging.offset)
    set_next_link(request, response, paging, page.has_more)
    return json_answer({"alarms": [alarm_json(a) for a in page.items]}, response)


@router.get("/cameras/alarms")
def list_alarms(request: Request, response: Response, services: ServicesDep, user: CamtraceUser) -> Response:
    return _list(request, response, services, user, None)


@router.get("/cameras/alarms/trigger")
def trigger(request: Request, services: ServicesDep, user: CamtraceUser) -> Response:
    services.alarms.trigger(user, _required_camera_ids(request), request.query_params.get("type"))
    return Response(status_code=200, media_type="text/html")


@router.get("/cameras/alarms/untrigger")
def untrigger(request: Request, services: ServicesDep, user: CamtraceUser) -> Response:
    services.alarms.untrigger(user, _required_camera_ids(request))
    return Response(status_code=200, media_type="text/html")


@router.get("/cameras/alarms/{alarm_id}.jpg")
def alarm_picture(alarm_id: str, request: Request, services: ServicesDep) -> Response:
    if not alarm_id.isdigit():
        raise NotFound(f"Alarm {alarm_id} not found", key="alarm_not_found", id=alarm_id)
    data = services.alarms.picture(int(alarm_id), width=_size(request, "w"), height=_size(request, "h"))
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "max-age=86400"})  # never changes


@router.get("/cameras/{camera_id}/alarms")
def list_camera_alarms(camera_id: str, request: Request, response: Response, services: ServicesDep,
                       user: CamtraceUser) -> Response:
    return _list(request, response, services, user, [parse_camera_id(camera_id)])
