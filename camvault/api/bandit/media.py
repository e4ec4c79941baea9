"""Bandit media API (`/api/...`; per camera `/bandit/<camera id>/api/...`): the version, session and
file listings, one video or image, its contents (HTTP Range), pictures of a video, deleting, and
the status. Routes are declared relative to the `api` root; `include` mounts them."""

from __future__ import annotations

import math

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, JSONResponse

from camvault.api.bandit.auth import BanditUser, CameraScope
from camvault.api.bandit.json import item_json, listing_json, status_json, version_json
from camvault.api.deps import ServicesDep
from camvault.api.ranged import slice_download
from camvault.core.bandit import parse_paging
from camvault.core.errors import BadRequest

router = APIRouter()

MATROSKA = "video/x-matroska"
JPEG = "image/jpeg"


@router.get("/version")
def version(services: ServicesDep, user: BanditUser, camera: CameraScope) -> Response:
    services.bandit.check_scope(user, camera)
    return JSONResponse(version_json())


@router.get("/2/sessions/videos")
def video_sessions(request: Request, services: ServicesDep, user: BanditUser, camera: CameraScope) -> Response:
    paging = parse_paging(request.query_params)
    return JSONResponse(listing_json(services.bandit.video_sessions(user, camera, paging)))


@router.get("/2/sessions/images")
def image_sessions(request: Request, services: ServicesDep, user: BanditUser, camera: CameraScope) -> Response:
    paging = parse_paging(request.query_params)
    return JSONResponse(listing_json(services.bandit.image_sessions(user, camera, paging)))


@router.get("/2/videos")
def videos(request: Request, services: ServicesDep, user: BanditUser, camera: CameraScope) -> Response:
    paging = parse_paging(request.query_params)
    return JSONResponse(listing_json(services.bandit.video_files(user, camera, paging)))


@router.get("/2/images")
def images(request: Request, services: ServicesDep, user: BanditUser, camera: CameraScope) -> Response:
    paging = parse_paging(request.query_params)
    return JSONResponse(listing_json(services.bandit.image_files(user, camera, paging)))


@router.get("/2/videos/{video_id}")
def video(video_id: str, services: ServicesDep, user: BanditUser, camera: CameraScope) -> Response:
    return JSONResponse(item_json(services.bandit.video(user, camera, video_id)))


@router.delete("/2/videos/{video_id}")
def delete_video(video_id: str, services: ServicesDep, user: BanditUser, camera: CameraScope) -> Response:
    services.bandit.delete_video(user, camera, video_id)
    return Response(status_code=204)


@router.api_route("/2/videos/{video_id}/contents", methods=["GET", "HEAD"])
def video_contents(video_id: str, services: ServicesDep, user: BanditUser, camera: CameraScope,
                   request: Request) -> Response:
    source, name = services.bandit.video_file(user, camera, video_id)
    return slice_download(source, request, media_type=MATROSKA, filename=name)


@router.get("/2/videos/{video_id}/thumb")
def video_thumb(video_id: str, request: Request, services: ServicesDep, user: BanditUser,
                camera: CameraScope) -> Response:
    offset_s = _offset_secs(request.query_params.get("offset_secs"))
    jpeg = services.bandit.video_picture(user, camera, video_id, offset_s, thumbnail=True)
    return Response(jpeg, media_type=JPEG)


@router.get("/2/videos/{video_id}/frames")
def video_frame(video_id: str, request: Request, services: ServicesDep, user: BanditUser,
                camera: CameraScope) -> Response:
    offset_s = _offset_secs(request.query_params.get("offset_secs"))
    jpeg = services.bandit.video_picture(user, camera, video_id, offset_s, thumbnail=False)
    return Response(jpeg, media_type=JPEG)


@router.get("/2/images/{image_id}")
def image(image_id: str, services: ServicesDep, user: BanditUser, camera: CameraScope) -> Response:
    return JSONResponse(item_json(services.bandit.image(user, camera, image_id)))


@router.delete("/2/images/{image_id}")
def delete_image(image_id: str, services: ServicesDep, user: BanditUser, camera: CameraScope) -> Response:
    services.bandit.delete_image(user, camera, image_id)
    return Response(status_code=204)


@router.api_route("/2/images/{image_id}/contents", methods=["GET", "HEAD"])
def image_contents(image_id: str, services: ServicesDep, user: BanditUser, camera: CameraScope) -> Response:
    path, name = services.bandit.image_file(user, camera, image_id)
    return FileResponse(path, media_type=JPEG, filename=name)


@router.get("/2/images/{image_id}/thumb")
def image_thumb(image_id: str, services: ServicesDep, user: BanditUser, camera: CameraScope) -> Response:
    return Response(services.bandit.image_thumbnail(user, camera, image_id), media_type=JPEG)


@router.get("/2/status")
def status(services: ServicesDep, user: BanditUser, camera: CameraScope) -> Response:
    return JSONResponse(status_json(services.bandit.status(user, camera)))


def _offset_secs(raw: str | None) -> float:
    """`offset_secs` (default 0): a finite decimal number of seconds."""
    if raw is None:
        return 0.0
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise BadRequest(f"'offset_secs' must be a number of seconds, not {raw!r}", key="invalid_offset_secs")
    return value
