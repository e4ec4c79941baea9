"""CamTrace PUSH HTTP (MJPEG) played by a browser-style client (httpx streaming over a real socket)
against an in-process node served by uvicorn: synthetic cameras of distinct tints (hue 0, 90, 180,
270), camera 2 with a 640x360 high and a 320x180 low stream, camera 5 disabled.

Proves: /live/view/X.Y sends >= 5 fps of JPEG parts (Content-Type, Content-Length) that decode at
the stream's size and change over time; `?user=&pass=` and Basic work, a wrong password is 401, no
view or live right 403, an unknown or not delivering stream 404, all in the CamTrace error shape;
two viewers share one decoder, which stops after the last one left (its live subscription
dropped); /m?ids= tiles show the right cameras (by colour), a repeated camera and a camera without
video included, with each tile fed by the lowest-quality stream that covers it; `compr` shrinks the
JPEGs as it grows and is checked; the camera JSON's stream paths and /users/login's templates play;
/r?id= replays the camera's last alarm recording in a loop (records right; 404 before any alarm).
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from urllib.parse import quote

import httpx
import numpy as np
import pytest

from camvault.api.http import build_http_app
from camvault.app import Camvault
from camvault.config import (
    CameraConfig,
    Config,
    DatabaseConfig,
    LiveConfig,
    ServerConfig,
    StorageConfig,
    StreamConfig,
)
from camvault.core.alarms import Alarm
from camvault.core.model import CameraRight
from camvault.core.tiles import Size, cells
from tests.support.media import record_packets
from tests.support.mjpeg import ThreadedServer, parts
from tests.support.picture import chroma_hue, hue_distance
from tests.support.server import free_port

pytestmark = pytest.mark.slow

ADMIN = ("admin", "admin-pw")
VERA = ("vera", "vera pw&?")            # camera 1 only; URL-unsafe password on purpose
NOLIVE = ("nils", "nils-pw")            # camera 1 without the live right
HUES = {1: 0, 2: 90, 3: 180, 4: 270}
FPS = 10
GRACE_S = 1.0


def source(hue: int, width=320, height=180) -> str:
    return f"synthetic://?width={width}&height={height}&fps={FPS}&bitrate=300000&gop={FPS}&hue={hue}"


@pytest.fixture(scope="module")
def push(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("push")
    cameras = [CameraConfig(id=cam, name=f"Cam {cam}", source=source(hue)) for cam, hue in HUES.items() if cam != 2]
    cameras.append(CameraConfig(id=2, name="Cam 2", source=source(90, 640, 360), streams=[
        StreamConfig(id=1, name="main", roles=["rrecord", "arecord", "mosaic"], quality=3),
        StreamConfig(id=2, name="sub", source=source(90), roles=["detect"], quality=1)]))
    cameras.append(CameraConfig(id=5, name="Cam 5", source=source(0), enabled=False))
    config = Config(server=ServerConfig(http_host="127.0.0.1", rtsp_port=free_port()),
                    storage=StorageConfig(data_dir=tmp / "data", min_free_bytes=0),
                    database=DatabaseConfig(url=f"sqlite:///{tmp / 'db.sqlite'}"), cameras=cameras,
                    live=LiveConfig(mjpeg_max_fps=10, mjpeg_grace_s=GRACE_S))
    node = Camvault(config, admin_password=ADMIN[1])
    with ThreadedServer(build_http_app(node, announce=lambda _m: None)) as server:
        node.users.create(VERA[0], VERA[1], "consult", camera_ids=[1])
        node.users.create(NOLIVE[0], NOLIVE[1], "consult", camera_ids=[1])
        node.users.set_rights(NOLIVE[0], [CameraRight(1, live=False)])
        wait_until(lambda: all(node.live.get(c, 1) and node.live.get(c, 1).codec for c in HUES))
        yield node, server.url


def wait_until(predicate, timeout_s: float = 10.0):
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


@contextmanager
def stream(base: str, path: str, auth=ADMIN):
    with httpx.Client(base_url=base, auth=auth, timeout=10) as client, client.stream("GET", path) as response:
        yield response


def frames(base: str, path: str, count: int, auth=ADMIN) -> list:
    with stream(base, path, auth) as response:
        assert response.status_code == 200, response.read()
        got = []
        for part in parts(response):
            assert part.headers["content-type"] == "image/jpeg"
            got.append(part)
            if len(got) == count:
                return got
    return got


def test_live_view_sends_at_least_5_fps_of_changing_jpegs_at_the_stream_size(push):
    _node, base = push
    with stream(base, "/live/view/1.1") as response:
        assert response.status_code == 200
        assert response.headers["cache-control"].startswith("no-cache")
        received = []
        for part in parts(response):
            received.append(part)
            if part.received_s - received[0].received_s >= 2.0:
                break
    fps = (len(received) - 1) / (received[-1].received_s - received[0].received_s)
    assert fps >= 5, fps
    images = [p.image() for p in received]
    assert {i.size for i in images} == {(320, 180)} and {i.format for i in images} == {"JPEG"}
    first, last = (np.asarray(i.convert("L"), dtype=float) for i in (images[0], images[-1]))
    assert np.abs(first - last).mean() > 1, "the picture moves"


def test_credentials_in_the_url_and_errors_in_camtrace_shape(push):
    _node, base = push
    user, password = VERA
    query = f"?user={quote(user)}&pass={quote(password)}"
    assert frames(base, "/live/view/1.1" + query, 1, auth=None)[0].image().size == (320, 180)
    cases = [("/live/view/1.1?user=vera&pass=wrong", None, 401), ("/live/view/1.1", None, 401),
             ("/live/view/1.1", ("vera", "nope"), 401),
             ("/live/view/2.1" + query, None, 403), ("/live/view/1.1", NOLIVE, 403),
             ("/live/view/1.9", ADMIN, 404), ("/live/view/99.1", ADMIN, 404), ("/live/view/abc", ADMIN, 404),
             ("/live/view/5.1", ADMIN, 404)]
    for path, auth, status in cases:
        answer = httpx.get(base + path, auth=auth, timeout=10, headers={"Accept-Language": "fr"})
        assert answer.status_code == status, (path, answer.status_code, answer.text)
        assert answer.headers["content-type"] == "application/json" and answer.json()["error"]
        if status == 401:
            assert answer.headers["www-authenticate"].startswith("Basic")
    forbidden = httpx.get(base + "/live/view/1.1", auth=NOLIVE, timeout=10, headers={"Accept-Language": "fr"})
    assert forbidden.json() == {"error": "Vous ne pouvez pas visualiser cette caméra en direct"}


def test_two_viewers_share_one_decoder_that_stops_after_the_last_leaves(push):
    node, base = push
    live = node.live.get(3, 1)
    started = node.mjpeg.decoders_started
    with stream(base, "/live/view/3.1") as one, stream(base, "/live/view/3.1") as two:
        one_parts, two_parts = parts(one), parts(two)
        a, b = next(one_parts), next(two_parts)
        assert a.image().size == b.image().size == (320, 180)
        for _ in range(5):
            next(two_parts)
        pipelines = [p for p in node.mjpeg.pipelines() if p.key[1:3] == (3, 1)]
        assert len(pipelines) == 1 and pipelines[0].leases == 2 and pipelines[0].watchers == 2
        assert node.mjpeg.decoders_started == started + 1 and live.subscriber_count == 1
    wait_until(lambda: all(p.leases == 0 for p in node.mjpeg.pipelines() if p.key[1:3] == (3, 1)), GRACE_S)
    wait_until(lambda: not [p for p in node.mjpeg.pipelines() if p.key[1:3] == (3, 1)], GRACE_S + 3)
    assert live.subscriber_count == 0


def tile_hues(image, count: int) -> list[tuple[float, float]]:
    array = np.asarray(image.convert("RGB"))
    out = []
    for cell in cells(count, Size(image.width, image.height)):
        region = array[cell.y_px:cell.y_px + cell.height_px, cell.x_px:cell.x_px + cell.width_px]
        out.append(chroma_hue(region[region.shape[0] // 4: -region.shape[0] // 4]))
    return out


@pytest.mark.parametrize("ids", ["1,2,3,4", "4,1,1,5,2"])
def test_mosaic_tiles_show_their_cameras(push, ids):
    _node, base = push
    cameras = [int(c) for c in ids.split(",")]
    image = frames(base, f"/m?ids={ids}", 8)[-1].image()
    assert image.size == (1280, 720)
    for camera_id, (hue, strength) in zip(cameras, tile_hues(image, len(cameras))):
        if camera_id == 5:
            assert strength < 3, "a camera without video is a grey 'no video' tile"
        else:
            assert strength > 30 and hue_distance(hue, HUES[camera_id]) < 20, (camera_id, hue, strength)


def test_each_tile_uses_the_lowest_quality_stream_that_covers_it(push):
    node, base = push
    with stream(base, "/m?ids=2&width=320&height=180") as small, stream(base, "/m?ids=2") as large:
        assert next(parts(small)).image().size == (320, 180) and next(parts(large)).image().size == (1280, 720)
        keys = {p.key for p in node.mjpeg.pipelines() if p.key[0] == "stream" and p.key[1] == 2}
    assert ("stream", 2, 2, Size(320, 180)) in keys            # the 320x180 low stream covers a 320x180 tile
    assert ("stream", 2, 1, Size(1280, 720)) in keys           # nothing covers 1280x720: the best stream


def test_higher_compr_gives_smaller_jpegs(push):
    _node, base = push
    sizes = {}
    for compr in (5, 50, 95):
        got = frames(base, f"/m?ids=1,2,3,4&compr={compr}", 4)
        sizes[compr] = np.mean([len(p.body) for p in got[1:]])
    assert sizes[5] > sizes[50] > sizes[95], sizes
    fine, coarse = (np.mean([len(p.body) for p in frames(base, f"/live/view/4.1?compr={c}", 3)]) for c in (10, 90))
    assert fine > coarse


@pytest.mark.parametrize(("path", "auth", "status"), [
    ("/m?ids=1,2&compr=0", ADMIN, 400), ("/m?ids=1,2&compr=100", ADMIN, 400), ("/m?ids=1,2&compr=abc", ADMIN, 400),
    ("/m?ids=abc", ADMIN, 400), ("/m?ids=", ADMIN, 400), ("/m", ADMIN, 400), ("/m?ids=1&width=10", ADMIN, 400),
    ("/m?ids=" + ",".join(["1"] * 65), ADMIN, 400), ("/m?ids=1,99", ADMIN, 404), ("/m?ids=1,2", VERA, 403),
    ("/m?ids=1", NOLIVE, 403), ("/m?ids=1&user=vera&pass=bad", None, 401), ("/live/view/1.1?compr=0", ADMIN, 400)])
def test_mosaic_and_compr_errors(push, path, auth, status):
    _node, base = push
    answer = httpx.get(base + path, auth=auth, timeout=10)
    assert answer.status_code == status, answer.text
    assert "error" in answer.json()


def test_camera_json_and_login_templates_point_at_playable_paths(push):
    _node, base = push
    with httpx.Client(base_url=base, auth=ADMIN, timeout=10) as client:
        camera = client.get("/api/v1.2/cameras/2").json()
        services = client.get("/api/v1.2/users/login").json()["services"]
    assert (camera["hdStream"], camera["ldStream"]) == ("/live/view/2.1", "/live/view/2.2")
    assert frames(base, camera["hdStream"], 1)[0].image().size == (640, 360)
    assert frames(base, camera["ldStream"], 1)[0].image().size == (320, 180)
    live = services["live"]["http"].replace("{streamId}", "1.1")
    assert frames(base, live, 1)[0].image().size == (320, 180)
    mosaic = services["mosaic"]["http"].replace("{cameraIds}", "3,4").replace("{compression}", "40")
    assert frames(base, mosaic, 1)[0].image().size == (1280, 720)


def test_last_alarm_replay_plays_the_recording_in_a_loop(push):
    """`rpStream` (/r?id=): camera 3's last alarm, recorded here with another tint (hue 45) than its
    live picture (hue 180), so the pictures received are the recording's, not live ones."""
    node, base = push
    assert httpx.get(f"{base}/r?id=3", auth=ADMIN, timeout=10).status_code == 404          # no alarm recorded yet
    start_ms = (int(time.time()) - 600) * 1000
    recorded = record_packets(source(45) + "&realtime=0", node.store.media, packets=2 * FPS, slice_max_s=60,
                              camera_id=3, slice_type="a", wall_start_ms=start_ms)
    for s in recorded:
        node.recordings.add_slice(s)
    node.store.alarms.insert(Alarm(0, 3, start_ms + 500, "trigger", "TRIGGER Alarm", record_ms=start_ms,
                                   end_ms=start_ms + 1000))
    camera = httpx.get(f"{base}/api/v1.2/cameras/3", auth=ADMIN, timeout=10).json()
    assert camera["rpStream"] == "/r?id=3" and camera["isReplayEnabled"] is True
    received = frames(base, camera["rpStream"], 3 * FPS)                # 2 s recorded: it loops
    assert (received[-1].received_s - received[0].received_s) > 2.2
    for part in received[:: FPS // 2]:
        image = part.image()
        assert image.size == (320, 180)
        hue, _magnitude = chroma_hue(np.asarray(image.convert("RGB")))
        assert hue_distance(hue, 45) < 20, hue
    assert httpx.get(f"{base}/r?id=3", auth=VERA, timeout=10).status_code == 403
    assert httpx.get(f"{base}/r?id=99", auth=ADMIN, timeout=10).status_code == 404
    assert httpx.get(f"{base}/r?id=x", auth=ADMIN, timeout=10).status_code == 400
