"""Snapshots: `GET /snapshots` (filters, `paging` object), `GET /snapshots/:id`, `POST /snapshots`,
`PUT /snapshots/:id` (comment, only while there is none), `GET /snapshots/:id.jpg?width=&height=`,
`GET /snapshots/:id.pdf`. Choices where the document is silent: docs/ref/camtrace.md "Snapshots"."""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from camvault.api.camtrace.auth import CamtraceUser, client_ip
from camvault.api.camtrace.body import wrapped_body
from camvault.api.camtrace.paging import Paging, parse_paging
from camvault.api.deps import ServicesDep
from camvault.core.errors import BadRequest, NotFound
from camvault.core.model import Snapshot, SnapshotFilter
from camvault.core.timefmt import format_iso_s, parse_iso_ms

router = APIRouter()

LIST_PATH = "/api/v1.2/snapshots"
DEFAULT_LIMIT = 20


class CreateBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    cameraId: int
    time: str | None = None
    comment: str | None = None


class UpdateBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    comment: str | None = None


def snapshot_json(s: Snapshot) -> dict:
    return {"id": s.id, "time": format_iso_s(s.time_ms), "userId": s.user_id, "ip": s.ip, "cameraId": s.camera_id,
            "comment": s.comment, "updatable": s.updatable, "imageUrl": f"{LIST_PATH}/{s.id}.jpg",
            "reportUrl": f"{LIST_PATH}/{s.id}.pdf"}


def paging_object(request: Request, paging: Paging, total: int) -> dict:
    """`count`: number of pages; `current`: index of this page (0 = the most recent); `first` and
    `last`: URLs of the first and last pages, keeping the request's filters."""
    pages = -(-total // paging.limit)
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("limit", "offset")
            and not k.startswith("_")]
    first = kept + [("limit", str(paging.limit))]
    last = first + [("offset", str(max(0, pages - 1) * paging.limit))]
    return {"first": f"{LIST_PATH}?{urlencode(first)}", "count": pages, "current": paging.offset // paging.limit,
            "last": f"{LIST_PATH}?{urlencode(last)}"}


def _filter(request: Request) -> SnapshotFilter:
    q = request.query_params
    from_raw, to_raw, user_raw = q.get("from"), q.get("to"), q.get("userId")
    return SnapshotFilter(camera_ids=_camera_ids(q.get("cameraId")),
                          from_ms=parse_iso_ms(from_raw, field="from") if from_raw else None,
                          to_ms=parse_iso_ms(to_raw, field="to") if to_raw else None,
                          user_id=_int(user_raw, "userId") if user_raw else None,
                          comment=q.get("comment") or None)


def _camera_ids(raw: str | None) -> list[int] | None:
    if raw is None or raw.strip() == "":
        return None
    try:
        return [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise BadRequest(f"Invalid cameraId: {raw!r} (expected ids separated by ,)", key="invalid_camera_id") from None


def _int(raw: str | None, name: str) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise BadRequest(f"'{name}' must be an integer", key="invalid_integer", field=name) from None


def _snapshot_id(raw: str) -> int:
    if not raw.isdigit():
        raise NotFound(f"Snapshot {raw} not found", key="snapshot_not_found", id=raw)
    return int(raw)


async def _body(request: Request, model: type[BaseModel]) -> Any:
    """The `{"snapshot": {...}}` body (a bare object is accepted too), validated; 400 otherwise."""
    return await wrapped_body(request, "snapshot", model)




@router.get("/snapshots")
def list_snapshots(request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    paging = parse_paging(request, default_limit=DEFAULT_LIMIT)
    page = services.snapshots.list_for(user, _filter(request), limit=paging.limit, offset=paging.offset)
    return {"snapshots": [snapshot_json(s) for s in page.items], "paging": paging_object(request, paging, page.total)}


@router.post("/snapshots", status_code=201)
async def create_snapshot(request: Request, response: Response, services: ServicesDep, user: CamtraceUser) -> dict:
    body: CreateBody = await _body(request, CreateBody)
    time_ms = parse_iso_ms(body.time, field="time") if body.time else None
    snapshot = await run_in_threadpool(partial(services.snapshots.create, user, body.cameraId, time_ms=time_ms,
                                               comment=body.comment, ip=client_ip(request)))
    response.headers["Location"] = f"{LIST_PATH}/{snapshot.id}"
    return {"snapshot": snapshot_json(snapshot)}


@router.get("/snapshots/{snapshot_id}.jpg")
def snapshot_image(snapshot_id: str, request: Request, services: ServicesDep, user: CamtraceUser) -> Response:
    q = request.query_params
    jpeg = services.snapshots.image_jpeg(user, _snapshot_id(snapshot_id), width=_int(q.get("width"), "width"),
                                         height=_int(q.get("height"), "height"))
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/snapshots/{snapshot_id}.pdf")
def snapshot_report(snapshot_id: str, services: ServicesDep, user: CamtraceUser) -> Response:
    sid = _snapshot_id(snapshot_id)
    pdf = services.snapshots.report_pdf(user, sid)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="snapshot-{sid}.pdf"'})


@router.get("/snapshots/{snapshot_id}")
def get_snapshot(snapshot_id: str, services: ServicesDep, user: CamtraceUser) -> dict:
    return snapshot_json(services.snapshots.get_for(user, _snapshot_id(snapshot_id)))


@router.put("/snapshots/{snapshot_id}")
async def update_snapshot(snapshot_id: str, request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    sid = _snapshot_id(snapshot_id)
    body: UpdateBody = await _body(request, UpdateBody)
    snapshot = await run_in_threadpool(services.snapshots.add_comment, user, sid, body.comment)
    return {"snapshot": snapshot_json(snapshot)}
