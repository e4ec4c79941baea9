"""`GET /cameras/:id/ref.jpg`: the camera's reference image (a recent keyframe of its best-quality
stream as JPEG). No image: 404 with no content, as the document says; unknown camera: 404 with the
usual `{"error": ...}`; no view right: 403."""

from __future__ import annotations

from fastapi import APIRouter, Response

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.camtrace.cameras import parse_camera_id
from camvault.api.deps import ServicesDep

router = APIRouter()


@router.get("/cameras/{camera_id}/ref.jpg")
def reference_image(camera_id: str, services: ServicesDep, user: CamtraceUser) -> Response:
    jpeg = services.stills.reference_jpeg(user, parse_camera_id(camera_id))
    if jpeg is None:
        return Response(status_code=404)
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-cache"})
