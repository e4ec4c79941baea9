"""Exports: `GET /exports/disks`, `GET /exports?cameraId=&from=&to=`, `GET /exports/:id`,
`POST /exports` (201 + Location), `GET /exports/:id/download` (`application/zip`, streamed from
disk), `GET /exports/:id/md5sum`, `DELETE /exports/:id` (204), `PUT /exports/:id` (archive) and
`PATCH /exports/:id` (relaunch a failed export). Bodies are `{"export": {...}}` (a bare object is
accepted). Extension: `limit` (default and maximum 1000) / `offset` paging on the list.
"""

from __future__ import annotations


from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse
from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.camtrace.body import unwrapped_json, validated
from camvault.api.camtrace.paging import parse_paging, set_next_link
from camvault.api.camtrace.query import id_list, optional_date
from camvault.api.deps import ServicesDep
from camvault.core.errors import BadRequest, NotFound
from camvault.core.exports import Export
from camvault.core.timefmt import format_iso_ms, format_iso_s, parse_iso_ms
from camvault.services.exports import ExportRequest

router = APIRouter()

TRUE_WORDS = ("1", "true", "yes", "on")


class RangeBody(BaseModel):
    """The fields shared by export and protected-record bodies (`CameraId` as the tables spell it)."""

    model_config = ConfigDict(extra="forbid")
    cameraId: int = Field(validation_alias=AliasChoices("cameraId", "CameraId"))
    from_: str = Field(validation_alias="from")
    to: str
    type: str = "r"
    comment: str | None = ""

    def range_ms(self) -> tuple[int, int]:
        return parse_iso_ms(self.from_, field="from"), parse_iso_ms(self.to, field="to")


class ExportBody(RangeBody):
    diskId: int | None = None


def date_json(epoch_ms: int) -> str:
    """Whole seconds as the document shows them; milliseconds only when the client gave some."""
    return format_iso_s(epoch_ms) if epoch_ms % 1000 == 0 else format_iso_ms(epoch_ms)


def export_json(e: Export) -> dict:
    return {"id": e.id, "cameraId": e.camera_id, "diskId": e.disk_id, "from": date_json(e.from_ms),
            "to": date_json(e.to_ms), "type": e.type, "comment": e.comment,
            "downloadUrl": f"/api/v1.2/exports/{e.id}/download", "size": e.size_bytes, "p100": e.p100,
            "md5sum": e.md5, "archived": e.archived, "createdAt": format_iso_s(e.created_ms),
            "url": f"/api/v1.2/exports/{e.id}"}


def _export_id(raw: str) -> int:
    if not raw.isdigit():
        raise NotFound(f"Export {raw} not found", key="export_not_found", id=raw)
    return int(raw)


@router.get("/exports/disks")
def list_disks(services: ServicesDep, user: CamtraceUser) -> dict:
    return {"disks": [{"id": u.volume.id, "name": u.volume.name, "fstype": u.fstype, "totalSpace": u.total_bytes,
                       "freeSpace": u.free_bytes} for u in services.exports.disks(user)]}


@router.get("/exports")
def list_exports(request: Request, response: Response, services: ServicesDep, user: CamtraceUser) -> dict:
    paging = parse_paging(request, default_limit=1000)
    page = services.exports.list_for(
        user, camera_ids=id_list(request, "cameraId", "CameraId"), from_ms=optional_date(request, "from"),
        to_ms=optional_date(request, "to"), limit=paging.limit, offset=paging.offset)
    set_next_link(request, response, paging, page.has_more)
    return {"exports": [export_json(e) for e in page.items]}


@router.post("/exports", status_code=201)
async def create_export(request: Request, response: Response, services: ServicesDep, user: CamtraceUser) -> dict:
    body = validated(ExportBody, await unwrapped_json(request, "export"), "export")
    from_ms, to_ms = body.range_ms()
    export = services.exports.create(user, ExportRequest(body.cameraId, from_ms, to_ms, body.type, body.diskId,
                                                         body.comment or ""))
    response.headers["Location"] = f"/api/v1.2/exports/{export.id}"
    return {"export": export_json(export)}


@router.get("/exports/{export_id}")
def get_export(export_id: str, services: ServicesDep, user: CamtraceUser) -> dict:
    return {"export": export_json(services.exports.get_for(user, _export_id(export_id)))}


@router.get("/exports/{export_id}/download")
def download_export(export_id: str, services: ServicesDep, user: CamtraceUser) -> Response:
    export, path = services.exports.file_for(user, _export_id(export_id))
    return FileResponse(path, media_type="application/zip", filename=export.file_name)


@router.get("/exports/{export_id}/md5sum")
def export_md5sum(export_id: str, services: ServicesDep, user: CamtraceUser) -> dict:
    return {"md5sum": services.exports.md5sum(user, _export_id(export_id))}


@router.delete("/exports/{export_id}", status_code=204)
def delete_export(export_id: str, services: ServicesDep, user: CamtraceUser) -> Response:
    services.exports.delete(user, _export_id(export_id))
    return Response(status_code=204)


@router.put("/exports/{export_id}")
async def archive_export(export_id: str, request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    ident = _export_id(export_id)
    archived = (await unwrapped_json(request, "export")).get("archived")
    if str(archived).strip().lower() not in TRUE_WORDS:
        raise BadRequest("Only archiving is supported: send {\"export\": {\"archived\": true}}",
                         key="archive_only", field="archived")
    return {"export": export_json(services.exports.archive(user, ident))}


@router.patch("/exports/{export_id}")
def relaunch_export(export_id: str, services: ServicesDep, user: CamtraceUser) -> dict:
    return {"export": export_json(services.exports.relaunch(user, _export_id(export_id)))}
