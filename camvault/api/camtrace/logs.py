"""Logs (Admin): camera connections `GET /cameras/connections`, `GET /cameras/:id/connections`,
and the system log `GET /system/logs` (`all`, `search`, `negative`, `noCase`, `regex`)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.camtrace.paging import paging_json, parse_paging
from camvault.api.camtrace.query import id_list, optional_bool, optional_date
from camvault.api.deps import ServicesDep
from camvault.core.errors import NotFound
from camvault.core.timefmt import format_iso_s
from camvault.services.audit import LogQuery

router = APIRouter()


def _connections(request: Request, services, user, camera_ids: list[int] | None) -> dict:
    paging = parse_paging(request)
    total, events = services.audit.connections(
        user, camera_ids=camera_ids, connected=optional_bool(request, "connected"),
        from_ms=optional_date(request, "from"), to_ms=optional_date(request, "to"), limit=paging.limit,
        offset=paging.offset)
    cameras = {c.camera.id: c.camera for c in services.cameras.list_for(user)}
    items = []
    for e in events:
        camera = cameras.get(e.camera_id)
        stream = camera.stream(e.stream_id) if camera else None
        items.append({"id": e.id, "cameraId": e.camera_id, "cameraName": camera.name if camera else None,
                      "streamId": e.stream_id, "streamName": (stream.name or f"stream{stream.stream_id}") if stream
                      else None, "dateTime": format_iso_s(e.at_ms), "connected": e.connected})
    return {"connections": items, "paging": paging_json(total, paging, len(items))}


@router.get("/cameras/connections")
def all_connections(request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    return _connections(request, services, user, id_list(request, "id_cams"))


@router.get("/cameras/{camera_id}/connections")
def camera_connections(camera_id: str, request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    if not camera_id.isdigit():
        raise NotFound(f"Camera {camera_id} not found", key="camera_not_found", id=camera_id)
    return _connections(request, services, user, [int(camera_id)])


@router.get("/system/logs")
def system_logs(request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    paging = parse_paging(request)
    query = LogQuery(include_info=bool(optional_bool(request, "all")), search=request.query_params.get("search"),
                     negative=bool(optional_bool(request, "negative")), no_case=bool(optional_bool(request, "noCase")),
                     is_regex=bool(optional_bool(request, "regex")))
    total, entries = services.audit.system_logs(user, query, limit=paging.limit, offset=paging.offset)
    return {"systemLogs": [{"dateTime": format_iso_s(e.at_ms), "name": e.name,
                            "type": None if e.level == "INFO" else e.level, "event": e.event} for e in entries],
            "paging": paging_json(total, paging, len(entries))}
