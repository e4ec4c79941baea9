"""The OAK streams dialect on a running synthetic stereo camera (one in-process node on SQLite for
the module, RTSP on a free port): stills in every format show the stream's picture; activating
DEPTH_B_C makes it a real camvault stream (listed by CamTrace, played over RTSP, recorded) without
restarting the other streams; controls change the next still measurably (brightness, saturation,
lens position)."""

from __future__ import annotations

import io
import time

import av
import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from camvault.api.http import build_http_app
from camvault.app import Camvault
from camvault.config import CameraConfig, Config, DatabaseConfig, ServerConfig, StorageConfig
from tests.support import rtsp_interop
from tests.support.server import free_port

ADMIN = ("admin", "admin-pw")
MXID = "RIGLIVE1"
BASE = f"/oak/cameras/{MXID}/streams"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("oak-live")
    camera = CameraConfig(id=1, name="Rig", source="synthetic://stereo?fps=6&gop=2", serial_number=MXID,
                          slice_max_s=2)
    config = Config(server=ServerConfig(http_host="127.0.0.1", rtsp_port=free_port()),
                    storage=StorageConfig(data_dir=tmp / "data", min_free_bytes=0),
                    database=DatabaseConfig(url=f"sqlite:///{tmp / 'db.sqlite'}"), cameras=[camera])
    node = Camvault(config, admin_password=ADMIN[1])
    with TestClient(build_http_app(node, announce=lambda _m: None)) as http:
        wait_until(lambda: all(connected(node, s) for s in (1, 2, 3)), "the stereo streams did not start")
        yield node, http


def wait_until(predicate, message: str, timeout_s: float = 15.0):
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, message
        time.sleep(0.05)


def connected(node, stream_id: int) -> bool:
    state = node.ingest.state(1, stream_id)
    return state is not None and state.connected


def still(http, sensor: str, fmt: str | None = "png") -> Image.Image:
    response = http.get(f"{BASE}/{sensor}/still", params={"format": fmt} if fmt else None, auth=ADMIN)
    assert response.status_code == 200, response.text
    return Image.open(io.BytesIO(response.content))


def control(http, sensor: str, body: dict) -> dict:
    response = http.post(f"{BASE}/{sensor}/control", json=body, auth=ADMIN)
    assert response.status_code == 200, response.text
    assert "not_applied" not in response.json()          # the stereo camera's pipeline applies everything
    return response.json()


def test_stills_in_every_format(live):
    _node, http = live
    response = http.get(f"{BASE}/CAM_A/still", auth=ADMIN)
    assert response.headers["content-type"] == "image/jpeg"
    picture = Image.open(io.BytesIO(response.content))
    assert (picture.format, picture.size, picture.mode) == ("JPEG", (1280, 720), "RGB")
    for fmt, pillow_name in [("png", "PNG"), ("webp", "WEBP"), ("bmp", "BMP"), ("tiff", "TIFF"), ("gif", "GIF"),
                             ("JPG", "JPEG")]:
        response = http.get(f"{BASE}/CAM_B/still", params={"format": fmt}, auth=ADMIN)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == f"image/{pillow_name.lower()}"
        picture = Image.open(io.BytesIO(response.content))
        assert (picture.format, picture.size) == (pillow_name, (640, 400))
        assert picture.mode in (("RGB",) if fmt == "webp" else ("L", "P"))     # mono: one channel (WebP has none)
        assert np.asarray(picture.convert("L")).std() > 10      # a picture, not a blank


def test_depth_is_a_real_stream_listed_played_and_recorded(live):
    node, http = live
    sessions_a = node.ingest.state(1, 1).sessions
    assert http.post(f"{BASE}/DEPTH_B_C/", auth=ADMIN).status_code == 201
    try:
        camera = http.get("/api/v1.2/cameras/1", auth=ADMIN).json()
        streams = {s["name"]: s for s in camera.get("camera", camera)["streams"]}
        assert (streams["DEPTH_B_C"]["id"], streams["DEPTH_B_C"]["ignored"]) == (4, False)
        assert streams["CAM_B"]["ignored"] and streams["CAM_C"]["ignored"]
        wait_until(lambda: connected(node, 4), "DEPTH_B_C did not start")
        assert not connected(node, 2) and not connected(node, 3)
        url = rtsp_interop.rtsp_url(node.config.server.rtsp_port, "live/view/1.4", ADMIN)
        with av.open(url, options={"rtsp_transport": "tcp"}, timeout=20) as container:
            frame = next(container.decode(container.streams.video[0]))
        assert (frame.width, frame.height) == (640, 400)
        depth = np.asarray(still(http, "DEPTH_B_C").convert("L"), dtype=float)
        assert depth.shape == (400, 640) and depth.std() > 5
        wait_until(lambda: any(s.stream_id == 4 for s in node.store.slices.list(camera_ids=[1])),
                   "no slice of DEPTH_B_C was recorded")
        assert node.ingest.state(1, 1).sessions == sessions_a           # CAM_A went on undisturbed
    finally:
        for sensor in ("CAM_B", "CAM_C"):
            assert http.post(f"{BASE}/{sensor}/", auth=ADMIN).status_code == 201
    assert [s["active"] for s in http.get(f"{BASE}/", auth=ADMIN).json()] == [True, True, True, False]
    wait_until(lambda: connected(node, 2) and connected(node, 3) and not connected(node, 4), "CAM_B/C did not restart")


def luma(picture: Image.Image) -> np.ndarray:
    return np.asarray(picture.convert("L"), dtype=float)


def test_brightness_raises_mean_luma(live):
    _node, http = live
    before = luma(still(http, "CAM_B")).mean()
    control(http, "CAM_B", {"brightness": 5})
    try:
        after = luma(still(http, "CAM_B")).mean()
    finally:
        control(http, "CAM_B", {"brightness": 0})
    assert after > before + 5, (before, after)


def chroma_spread(picture: Image.Image) -> float:
    _y, cb, cr = (np.asarray(p, dtype=float) for p in picture.convert("YCbCr").split())
    return float(np.abs(cb - 128).mean() + np.abs(cr - 128).mean())


def test_saturation_raises_chroma_spread(live):
    _node, http = live
    before = chroma_spread(still(http, "CAM_A"))
    control(http, "CAM_A", {"saturation": 8})
    try:
        after = chroma_spread(still(http, "CAM_A"))
    finally:
        control(http, "CAM_A", {"saturation": 0})
    assert after > 1.3 * before, (before, after)


def sharpness(picture: Image.Image) -> float:
    """Variance of the Laplacian of the picture's centre (the burned-in name and clock, drawn after
    the optics, stay sharp)."""
    y = luma(picture)
    h, w = y.shape
    y = y[h // 5: h * 4 // 5, w // 5: w * 4 // 5]
    laplacian = 4 * y[1:-1, 1:-1] - y[:-2, 1:-1] - y[2:, 1:-1] - y[1:-1, :-2] - y[1:-1, 2:]
    return float(laplacian.var())


def test_lens_position_off_focus_blurs(live):
    _node, http = live
    before = sharpness(still(http, "CAM_A"))
    control(http, "CAM_A", {"focus": {"auto_focus_mode": "OFF", "lens_position": 1.0}})    # focused at 10 cm
    try:
        after = sharpness(still(http, "CAM_A"))
    finally:
        control(http, "CAM_A", {"focus": {"auto_focus_mode": "CONTINUOUS_VIDEO"}})
    assert after < 0.5 * before, (before, after)
