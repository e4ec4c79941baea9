"""PTZ commands over real HTTP reaching real devices: a recording synthetic camera whose recorded
video shows the zoom and the pan (decoded from its slices), and an rtsp camera with ONVIF settings
whose commands reach a local SOAP peer as ONVIF PTZ operations."""

import time

import pytest
from fastapi.testclient import TestClient

from camvault.api.http import build_http_app
from camvault.app import Camvault
from camvault.config import CameraConfig, Config, DatabaseConfig, OnvifConfig, StorageConfig
from tests.api.conftest import ADMIN
from tests.support.media import decode_all
from tests.support.onvif_peer import OnvifPeer
from tests.support.picture import background_level, spacing, vertical_lines

W, H = 320, 180
SYNTHETIC = f"synthetic://?width={W}&height={H}&fps=10&gop=2&bitrate=1500000&motion=0"


def start_node(tmp_path, database_url, cameras):
    config = Config(storage=StorageConfig(data_dir=tmp_path / "data", min_free_bytes=0),
                    database=DatabaseConfig(url=database_url), cameras=cameras)
    return Camvault(config, admin_password=ADMIN[1])


def wait_for_keyframe_after(node, wall_ms, timeout_s=5.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        keyframe = node.ingest.latest_keyframe(1, 1)
        if keyframe is not None and keyframe.wall_ms > wall_ms:
            return keyframe
        time.sleep(0.05)
    raise AssertionError("no new keyframe")


def test_zoom_and_pan_show_in_the_recorded_video(tmp_path, database_url):
    node = start_node(tmp_path, database_url, [CameraConfig(id=1, name="Cam 1", source=SYNTHETIC)])
    with TestClient(build_http_app(node, announce=lambda _m: None)) as client:
        wait_for_keyframe_after(node, 0)
        assert client.get("/api/v1.2/cameras/1/ptz?cmd=zoom&q=5", auth=ADMIN).status_code == 200
        wait_for_keyframe_after(node, node.clock.now_ms() + 300)
        assert client.get("/api/v1.2/cameras/1/ptz?cmd=ptz&arg=right", auth=ADMIN).status_code == 200
        wait_for_keyframe_after(node, node.clock.now_ms() + 300)
    slices = node.store.slices.list(camera_ids=[1])          # the node stopped: every slice is indexed
    node.store.close()                                       # (that query reopened the pool)
    frames = [f.to_ndarray(format="yuv420p")[:H] for s in slices for f in decode_all(node.store.media.absolute(s.path))]
    spacings = [spacing(vertical_lines(f)) if len(vertical_lines(f)) > 1 else None for f in frames]
    home = [i for i, s in enumerate(spacings) if s == pytest.approx(W / 5, abs=2)]
    zoomed = [i for i, s in enumerate(spacings) if s == pytest.approx(2 * W / 5, abs=3)]
    assert home and zoomed and max(home) < min(zoomed), spacings
    # at 2x the picture shows W/2 world pixels; a nudge turns by a quarter of that, W/8, and the gradient
    # rises 170 luma levels over the world's 2W: 170/16 brighter
    after_zoom, last = frames[min(zoomed)], frames[-1]
    assert background_level(last) - background_level(after_zoom) == pytest.approx(170 / 16, abs=2.5)


@pytest.fixture
def peer():
    p = OnvifPeer(position=(0.5, 0.0, 0.0)).start()
    yield p
    p.stop()


def test_an_onvif_camera_is_driven_through_onvif_ptz(tmp_path, database_url, peer):
    camera = CameraConfig(id=1, name="Dome", source="rtsp://127.0.0.1:9/stream", enabled=False,
                          onvif=OnvifConfig(host="127.0.0.1", port=peer.port, user=peer.user, password=peer.password))
    node = start_node(tmp_path, database_url, [camera])
    with TestClient(build_http_app(node, announce=lambda _m: None)) as client:
        ptz = "/api/v1.2/cameras/1/ptz"
        body = client.get("/api/v1.2/cameras/1", auth=ADMIN).json()
        assert body["ptzAllowed"] is True and body["ptz"]["continuous"] is True
        assert client.get(f"{ptz}?cmd=cptm&x=50&y=-20", auth=ADMIN).status_code == 200
        assert client.get(f"{ptz}?cmd=czm&q=30", auth=ADMIN).status_code == 200
        assert client.get(f"{ptz}?cmd=cptm&x=0&y=0", auth=ADMIN).status_code == 200
        assert client.get(f"{ptz}?cmd=czm&q=0", auth=ADMIN).status_code == 200
        assert client.get(f"{ptz}?cmd=center&w=640&h=480&x=640&y=240", auth=ADMIN).status_code == 200
        assert client.put(f"{ptz}/presets/Gate", auth=ADMIN).status_code == 201      # where the device points
        assert client.put(f"{ptz}/presets/Dock", auth=ADMIN, json={"deviceToken": "4"}).status_code == 201
        assert client.get(f"{ptz}?cmd=preset&arg=Gate", auth=ADMIN).status_code == 200
        assert client.get(f"{ptz}?cmd=preset&arg=Dock", auth=ADMIN).status_code == 200
        assert client.get(f"{ptz}/position", auth=ADMIN).json()["position"] == {"pan": 0.5, "tilt": 0.0, "zoom": 0.0}
        peer.password = "changed-on-the-device"
        failed = client.get(f"{ptz}?cmd=zoom&q=1", auth=ADMIN)
        assert failed.status_code == 502 and "did not accept" in failed.json()["error"]
    assert peer.operations("ptz")[:9] == ["ContinuousMove", "ContinuousMove", "ContinuousMove", "Stop", "GetStatus",
                                          "RelativeMove", "GetStatus", "AbsoluteMove", "GotoPreset"]
    moves = [r.fields for r in peer.requests if r.operation == "ContinuousMove"]
    assert [(m["Velocity/PanTilt"], m["Velocity/Zoom"]) for m in moves] == [
        ({"x": "0.5", "y": "0.2"}, {"x": "0.0"}),               # cptm y < 0 tilts up
        ({"x": "0.5", "y": "0.2"}, {"x": "0.3"}),               # czm keeps the pan/tilt going
        ({"x": "0.0", "y": "0.0"}, {"x": "0.3"})]               # cptm 0/0 leaves the zoom going
    relative = peer.last("RelativeMove").fields                # a click at the right edge: half a picture right
    assert float(relative["Translation/PanTilt"]["x"]) == pytest.approx(0.33 / 2)
    assert peer.last("AbsoluteMove").fields["Position/PanTilt"] == {"x": "0.5", "y": "0.0"}
    assert peer.last("GotoPreset").fields["PresetToken"]["text"] == "4"
