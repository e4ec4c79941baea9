"""Protected records: `POST /precords` with `{"precord": {cameraId, from, to, type?, comment?}}`
(a bare object is accepted) -> 201 `{"precord": {cameraId, from, to, type}}`."""

from __future__ import annotations

from fastapi import APIRouter, Request

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.camtrace.body import unwrapped_json, validated
from camvault.api.camtrace.exports import RangeBody, date_json
from camvault.api.deps import ServicesDep
from camvault.services.protection import ProtectRequest

router = APIRouter()


@router.post("/precords", status_code=201)
async def protect_record(request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    body = validated(RangeBody, await unwrapped_json(request, "precord"), "precord")
    from_ms, to_ms = body.range_ms()
    stored = services.protection.protect(user, ProtectRequest(body.cameraId, from_ms, to_ms, body.type,
                                                              body.comment or ""))
    return {"precord": {"cameraId": stored.camera_id, "from": date_json(stored.from_ms),
                        "to": date_json(stored.to_ms), "type": stored.type}}
