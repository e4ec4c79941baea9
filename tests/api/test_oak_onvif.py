"""OAK controls of rtsp:// cameras go to the camera itself: with ONVIF settings, through ONVIF
imaging (the real client library against the local SOAP peer), and the response names the fields
the camera cannot apply; a camera whose ONVIF service is unreachable keeps the control and reports
every changed field as not applied. (No video is pulled: the cameras are disabled.)"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from camvault.api.http import build_http_app
from camvault.app import Camvault
from camvault.config import CameraConfig, Config, DatabaseConfig, OnvifConfig, StorageConfig
from tests.support.onvif_peer import OnvifPeer
from tests.support.server import free_port

ADMIN = ("admin", "admin-pw")


@pytest.fixture(scope="module")
def peer():
    p = OnvifPeer().start()
    yield p
    p.stop()


@pytest.fixture(scope="module")
def http(tmp_path_factory, peer):
    tmp = tmp_path_factory.mktemp("oak-onvif")
    cameras = [
        CameraConfig(id=1, name="Dome", source="rtsp://127.0.0.1:9/main", serial_number="DOME1", enabled=False,
                     onvif=OnvifConfig(port=peer.port, user=peer.user, password=peer.password)),
        CameraConfig(id=2, name="Gone", source="rtsp://127.0.0.1:9/main", serial_number="GONE2", enabled=False,
                     onvif=OnvifConfig(port=free_port(), user="u", password="p", timeout_s=1, connect_timeout_s=2)),
    ]
    config = Config(storage=StorageConfig(data_dir=tmp / "data", min_free_bytes=0),
                    database=DatabaseConfig(url=f"sqlite:///{tmp / 'db.sqlite'}"), cameras=cameras)
    with TestClient(build_http_app(Camvault(config, admin_password=ADMIN[1]), announce=lambda _m: None)) as client:
        yield client


def test_controls_reach_the_camera_through_onvif_imaging(http, peer):
    response = http.post("/oak/cameras/DOME1/streams/CAM_A/control", auth=ADMIN,
                         json={"brightness": 10, "luma_denoise": 3})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["brightness"], body["luma_denoise"], body["not_applied"]) == (10, 3, ["luma_denoise"])
    assert float(peer.last("SetImagingSettings").fields["ImagingSettings/Brightness"]["text"]) == 100.0
    assert http.get("/oak/cameras/DOME1/streams/CAM_A/control", auth=ADMIN).json()["brightness"] == 10


def test_an_unreachable_camera_applies_nothing(http):
    response = http.post("/oak/cameras/GONE2/streams/CAM_A/control", auth=ADMIN, json={"contrast": -4})
    assert response.status_code == 200, response.text
    assert response.json()["contrast"] == -4 and response.json()["not_applied"] == ["contrast"]
