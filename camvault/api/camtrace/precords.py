"""Protected records: `POST /precords` with `{"precord": {cameraId, from, to, type?, comment?}}`
(a bare object is accepted) -> 201 `{"precord": {cameraId, from, to, type}}`.

Extension (the document has no way to read them back): `GET /precords?cameraId=&from=&to=&limit=&offset=`
-> `{"precords": [...]}`, newest start first, `Link: rel="next"` when more follow.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.camtrace.body import unwrapped_json, validated
from camvault.api.camtrace.exports import RangeBody, date_json
from camvault.api.camtrace.paging import parse_paging, set_next_link
from camvault.api.camtrace.query import id_list, optional_date
from camvault.api.deps import ServicesDep
from camvault.core.exports import ProtectedRange
from camvault.core.timefmt import format_iso_s
from camvault.services.protection import ProtectRequest

router = APIRouter()


def precord_json(r: ProtectedRange) -> dict:
    return {"id": r.id, "cameraId": r.camera_id, "from": date_json(r.from_ms), "to": date_json(r.to_ms),
            "type": r.type, "comment": r.comment, "userId": r.user_id, "createdAt": format_iso_s(r.created_ms)}


@router.post("/precords", status_code=201)
async def protect_record(request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    body = validated(RangeBody, await unwrapped_json(request, "precord"), "precord")
    from_ms, to_ms = body.range_ms()
    stored = services.protection.protect(user, ProtectRequest(body.cameraId, from_ms, to_ms, body.type,
                                                              body.comment or ""))
    return {"precord": {"cameraId": stored.camera_id, "from": date_json(stored.from_ms),
                        "to": date_json(stored.to_ms), "type": stored.type}}


@router.get("/precords")
def list_precords(request: Request, response: Response, services: ServicesDep, user: CamtraceUser) -> dict:
    paging = parse_paging(request, default_limit=100)
    found, has_more = services.protection.list_for(
        user, id_list(request, "cameraId", "CameraId"), optional_date(request, "from"), optional_date(request, "to"),
        limit=paging.limit, offset=paging.offset)
    set_next_link(request, response, paging, has_more)
    return {"precords": [precord_json(r) for r in found]}
