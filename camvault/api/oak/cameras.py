"""OAK cameras: `GET /cameras/` and `GET /cameras/{mxid}/` (DeviceInfo). Every camvault camera the
user may see is a device; the XLink vocabulary is derived from its live state (docs/ref/oak.md).
`camvault_camera_id` (an extension field) names the camera in the other dialects."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Path

from camvault.api.deps import ServicesDep
from camvault.api.oak.auth import OakUser
from camvault.core.sensors import MXID_PATTERN
from camvault.services.sensors import Device

router = APIRouter()

Mxid = Annotated[str, Path(pattern=MXID_PATTERN)]


@router.get("/cameras/")
def list_cameras(user: OakUser, services: ServicesDep) -> list[dict]:
    return [device_json(d) for d in services.sensors.devices(user)]


@router.get("/cameras/{mxid}/")
def get_camera(mxid: Mxid, user: OakUser, services: ServicesDep) -> dict:
    return device_json(services.sensors.device(user, mxid))


def device_json(device: Device) -> dict:
    camera = device.camera
    scheme = urlsplit(camera.source).scheme.lower()
    if device.delivering:
        status = "X_LINK_SUCCESS"
    else:
        status = "X_LINK_COMMUNICATION_FAIL" if camera.enabled else "X_LINK_COMMUNICATION_NOT_OPEN"
    default_model = "camvault synthetic stereo" if device.stereo else f"camvault {scheme} camera"
    return {"mxid": device.mxid, "name": camera.name, "camera_name": camera.model or default_model,
            "platform": "X_LINK_MYRIAD_X" if device.stereo else "X_LINK_ANY_PLATFORM",
            "protocol": "X_LINK_TCP_IP" if scheme in ("rtsp", "rtsps") else "X_LINK_IPC",
            "state": "X_LINK_BOOTED" if device.delivering else "X_LINK_UNBOOTED", "status": status,
            "camvault_camera_id": camera.id}
