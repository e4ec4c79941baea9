"""Fleet cameras (fleet-cameras-api.txt): register, claim, state and state requests, decommission,
move, patch, list/get with metrics, live frame, opening hours, upload metrics. Camera ids are the
camvault cameras' UUIDs; times ISO-8601 UTC with `Z`."""

from __future__ import annotations

import base64

from fastapi import APIRouter, Request, Response

from camvault.api.deps import ServicesDep
from camvault.api.fleet.auth import Body, Reader, Writer, flag, text, uuid_arg
from camvault.core.fleet import REQUEST_STATES, StateRequest
from camvault.core.timefmt import format_iso_ms
from camvault.services.fleet import FleetView

router = APIRouter()
REQUEST_NAMES = {state: name for name, state in REQUEST_STATES.items()}


@router.post("/register-camera-requests", status_code=202)
def register(user: Writer, services: ServicesDep, body: Body) -> dict:
    row, created = services.fleet.cameras.register(user, text(body, "cameraId"), text(body, "serialNumber"))
    msg = "camera registered" if created else f"camera already {row.state}"
    return {"id": text(body, "cameraId").lower(), "msg": msg, "status": "created" if created else "exists"}


@router.post("/cameras", status_code=201)
def claim(user: Writer, services: ServicesDep, body: Body) -> dict:
    view = services.fleet.cameras.claim(user, text(body, "serialNumber"), text(body, "siteId"),
                                        text(body, "name", required=False))
    return camera_json(view)


@router.get("/cameras")
def list_cameras(user: Reader, services: ServicesDep, request: Request) -> list[dict]:
    states = [s for raw in request.query_params.getlist("state") + request.query_params.getlist("state[]")
              for s in raw.split(",") if s]
    views = services.fleet.cameras.list(user, site_uuid=uuid_arg(request, "siteId"),
                                        user_id=uuid_arg(request, "userId"), states=states or None,
                                        include_metrics=flag(request, "includeMetrics"))
    return [camera_json(v) for v in views]


@router.get("/cameras/{camera_id}")
def get_camera(camera_id: str, user: Reader, services: ServicesDep, request: Request) -> dict:
    include = flag(request, "includeMetrics")
    return camera_json(services.fleet.cameras.get(user, camera_id, include_metrics=include))


@router.patch("/cameras/{camera_id}")
def patch_camera(camera_id: str, user: Writer, services: ServicesDep, body: Body) -> dict:
    fields = {"name": "name", "direction1Alias": "direction1_alias", "direction2Alias": "direction2_alias"}
    changes = {attr: text(body, name, required=False) for name, attr in fields.items() if name in body}
    return camera_json(services.fleet.cameras.patch(user, camera_id, changes))


@router.delete("/cameras/{camera_id}", status_code=204)
def decommission(camera_id: str, user: Writer, services: ServicesDep) -> Response:
    services.fleet.cameras.decommission(user, camera_id)
    return Response(status_code=204)


@router.put("/cameras/{camera_id}/state/{new_state}", status_code=201)
def set_state(camera_id: str, new_state: str, user: Writer, services: ServicesDep) -> dict:
    return camera_json(services.fleet.cameras.set_state(user, camera_id, new_state))


@router.post("/cameras/{camera_id}/move", status_code=201)
def move(camera_id: str, user: Writer, services: ServicesDep, body: Body) -> dict:
    return camera_json(services.fleet.cameras.move(user, camera_id, text(body, "siteId")))


@router.post("/put-camera-state-requests", status_code=202)
def request_state(user: Writer, services: ServicesDep, body: Body) -> dict:
    request = services.fleet.cameras.request_state(user, text(body, "cameraId"), text(body, "newState"))
    return {"id": request.uuid, "msg": f"camera will be {REQUEST_NAMES[request.new_state]}", "status": request.status}


@router.get("/put-camera-state-requests/{request_id}")
def state_request(request_id: str, user: Reader, services: ServicesDep) -> dict:
    return request_json(*services.fleet.cameras.state_request(user, request_id))


@router.post("/frame-requests")
def frame(user: Reader, services: ServicesDep, body: Body) -> dict:
    jpeg, time_ms = services.fleet.cameras.frame(user, text(body, "cameraId"))
    return {"image": base64.b64encode(jpeg).decode(), "timestamp": format_iso_ms(time_ms)}


@router.get("/cameras/{camera_id}/opening-hours")
def opening_hours(camera_id: str, user: Reader, services: ServicesDep, request: Request) -> list[str]:
    instants = services.fleet.cameras.opening_hours(user, camera_id, request.query_params.get("date"))
    return [format_iso_ms(ms) for ms in instants]


@router.get("/cameras/{camera_id}/video-upload-metrics")
def upload_metrics(camera_id: str, user: Reader, services: ServicesDep) -> dict:
    metrics = services.fleet.cameras.upload_metrics(user, camera_id)
    return {"uploadSize": metrics.last_upload_bytes, "uploadTime": metrics.last_upload_ms}


def _iso(ms: int | None) -> str | None:
    return None if ms is None else format_iso_ms(ms)


def camera_json(view: FleetView) -> dict:
    camera, row = view.camera, view.fleet
    out = {"id": camera.uuid, "serialNumber": camera.serial_number, "name": row.name or camera.name,
           "state": row.state, "siteId": row.site_uuid, "organisationId": view.organisation_uuid,
           "cameraPositionId": row.position_uuid, "claimedAt": _iso(row.claimed_ms),
           "direction1Alias": row.direction1_alias, "direction2Alias": row.direction2_alias}
    m = view.metrics
    if m is not None:
        out |= {"isOnline": m.is_online, "lastSeenAt": _iso(m.last_seen_ms), "lastVideoAt": _iso(m.last_video_ms),
                "encodedFramesProportion": m.encoded_frames_proportion,
                "networkTransmitRate": m.upload.transmit_rate_bytes_per_s,
                "videoBacklog": m.upload.backlog_slices, "videoUploadLatency": m.upload.latency_ms}
    return out


def request_json(request: StateRequest, camera_uuid: str) -> dict:
    return {"id": request.uuid, "cameraId": camera_uuid, "newState": REQUEST_NAMES[request.new_state],
            "status": request.status, "msg": request.message, "createdAt": _iso(request.created_ms),
            "doneAt": _iso(request.done_ms)}
