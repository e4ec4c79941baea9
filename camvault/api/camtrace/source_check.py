"""Extension: `POST /cameras/test` (Admin), the connection test of a camera source before it is
saved. Body (bare or `{"camera": {...}}`): `source`, optional `transport` (tcp|udp), `name` (burned
into synthetic pictures) and `timeoutS` (1..30, default 8). 200 `image/jpeg`: the first decoded
picture, with `X-Source-Encoding`, `X-Source-Width`, `X-Source-Height`, `X-Source-Fps` and
`X-First-Picture-Ms`; 400 for a URL camvault cannot use; 422 when there is no picture
(unreachable, credentials refused, no such stream, no video in time); 409 when busy.
Documented in docs/ref/camtrace.md."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.camtrace.body import wrapped_body
from camvault.api.deps import ServicesDep
from camvault.core.rights import require_admin
from camvault.services.source_check import DEFAULT_TIMEOUT_S

router = APIRouter()


class SourceTestBody(BaseModel):
    model_config = ConfigDict(extra="ignore")          # the whole camera form may be sent as it is
    source: str = Field(min_length=1)
    transport: Literal["tcp", "udp"] = "tcp"
    name: str = ""
    timeoutS: float = DEFAULT_TIMEOUT_S


@router.post("/cameras/test")
async def check_source(request: Request, services: ServicesDep, user: CamtraceUser) -> Response:
    require_admin(user)                               # before the body: a 403 whatever it holds
    body = await wrapped_body(request, "camera", SourceTestBody)
    check = await run_in_threadpool(services.source_check.check, user, body.source, transport=body.transport,
                                    timeout_s=body.timeoutS, label=body.name)
    headers = {"X-Source-Encoding": check.codec, "X-Source-Width": str(check.width_px),
               "X-Source-Height": str(check.height_px), "X-First-Picture-Ms": str(check.first_picture_ms),
               "Cache-Control": "no-store"}
    if check.fps:
        headers["X-Source-Fps"] = f"{check.fps:g}"
    return Response(check.jpeg, media_type="image/jpeg", headers=headers)
