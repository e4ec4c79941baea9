"""Slices: `GET /slices?cameraId=&from=&to=&type=` and `GET /slices/:cameraId/:start/:type/download`
(`video/x-matroska`, HTTP Range). Extension: `limit`/`offset` paging with a `Link: rel="next"`."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.camtrace.cameras import parse_camera_id
from camvault.api.camtrace.paging import Paging, set_next_link
from camvault.api.camtrace.responses import json_answer
from camvault.api.deps import ServicesDep
from camvault.api.ranged import slice_download
from camvault.core.errors import BadRequest, NotFound
from camvault.core.model import Slice
from camvault.core.timefmt import format_iso_ms, parse_iso_ms
from camvault.services.recordings import MAX_LIST

router = APIRouter()


def _camera_ids(raw: str | None) -> list[int] | None:
    if raw is None or raw.strip() == "":
        return None
    try:
        return [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise BadRequest(f"Invalid cameraId: {raw!r} (expected ids separated by ,)", key="invalid_camera_id") from None


def _int_arg(raw: str | None, name: str, default: int) -> int:
    if raw is None:
        return default
    if not raw.isdigit():
        raise BadRequest(f"'{name}' must be a non-negative integer", key="invalid_integer", field=name)
    return int(raw)


def slice_json(s: Slice, camera_name: str) -> dict:
    start = format_iso_ms(s.start_ms)
    return {"cameraId": s.camera_id, "cameraName": camera_name, "start": start, "stop": format_iso_ms(s.stop_ms),
            "type": s.type, "downloadUrl": f"/api/v1.2/slices/{s.camera_id}/{quote(start, safe='')}/{s.type}/download",
            "size": s.size_bytes, "protected": s.protected}


@router.get("/slices")
def list_slices(request: Request, response: Response, services: ServicesDep, user: CamtraceUser) -> Response:
    q = request.query_params
    from_raw, to_raw = q.get("from"), q.get("to")
    limit = _int_arg(q.get("limit"), "limit", MAX_LIST)
    offset = _int_arg(q.get("offset"), "offset", 0)
    page = services.recordings.list_for(
        user, camera_ids=_camera_ids(q.get("cameraId", q.get("CameraId"))),
        from_ms=parse_iso_ms(from_raw, field="from") if from_raw else None,
        to_ms=parse_iso_ms(to_raw, field="to") if to_raw else None,
        slice_type=q.get("type") or None, limit=limit, offset=offset)
    if page.has_more:
        set_next_link(request, response, Paging(limit, offset), has_more=True)
    names = services.cameras.names()
    return json_answer({"slices": [slice_json(s, names.get(s.camera_id, "")) for s in page.items]}, response)


@router.get("/slices/{camera_id}/{start}/{slice_type}/download")
def download_slice(camera_id: str, start: str, slice_type: str, services: ServicesDep,
                   user: CamtraceUser, request: Request) -> Response:
    if slice_type not in ("a", "r"):
        raise NotFound("Slice not found", key="slice_not_found")
    found, source = services.recordings.slice_file(user, parse_camera_id(camera_id),
                                                 parse_iso_ms(start, field="start"), slice_type)
    filename = f"{found.camera_id}-{format_iso_ms(found.start_ms).replace(':', '-')}-{found.type}.mkv"
    return slice_download(source, request, media_type="video/x-matroska", filename=filename)
