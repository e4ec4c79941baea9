"""Alarms of a live synthetic camera over real HTTP: trigger/untrigger make an alarm with a picture
and an `a` slice starting with the pre-alarm (its recordTime), `isRecordingAlarm` follows it, and
the public picture is served resized. A camera added with motion detection raises MOTION alarms."""

import io
import time

import av
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from camvault.api.http import build_http_app
from camvault.app import Camvault
from camvault.config import CameraConfig, Config, DatabaseConfig, RecordingConfig, StorageConfig
from camvault.core.timefmt import parse_iso_ms
from tests.api.conftest import ADMIN

pytestmark = pytest.mark.slow

SOURCE = "synthetic://?width=320&height=180&fps=10&gop=5&bitrate=200000"


@pytest.fixture
def live(tmp_path, database_url):
    cameras = [CameraConfig(id=1, name="Live", source=SOURCE, pre_alarm_s=1)]
    cameras += [CameraConfig(id=i, name=f"Cam {i}", source=SOURCE, enabled=False) for i in (2, 3)]
    config = Config(storage=StorageConfig(data_dir=tmp_path / "data", min_free_bytes=0),
                    database=DatabaseConfig(url=database_url), cameras=cameras,
                    recording=RecordingConfig(post_alarm_s=0, pre_alarm_s=5))
    node = Camvault(config, admin_password=ADMIN[1])
    with TestClient(build_http_app(node, announce=lambda _m: None)) as http:
        yield http


def wait_for(predicate, timeout_s=8.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def camera(http, cam_id=1):
    return http.get(f"/api/v1.2/cameras/{cam_id}", auth=ADMIN).json()


def a_slices(http, cam_id=1):
    return http.get("/api/v1.2/slices", params={"cameraId": cam_id, "type": "a"}, auth=ADMIN).json()["slices"]


def test_trigger_records_an_alarm_slice_with_pre_alarm(live):
    wait_for(lambda: camera(live)["status"] == 2)
    time.sleep(1.6)                                           # fill the 1 s pre-alarm buffer
    assert camera(live)["isRecordingAlarm"] is False
    assert live.get("/api/v1.2/cameras/alarms/trigger", params={"cameraId": "1", "type": "porte1"},
                    auth=ADMIN).status_code == 200
    [alarm] = live.get("/api/v1.2/cameras/alarms", auth=ADMIN).json()["alarms"]
    assert alarm["recordTime"] is not None
    pre_ms = parse_iso_ms(alarm["time"]) - parse_iso_ms(alarm["recordTime"])
    assert 0 <= pre_ms <= 3000                                   # whole seconds on the wire
    assert alarm["description"].startswith("porte1 Alarm starts at ") and "s pre-alarm" in alarm["description"]
    wait_for(lambda: camera(live)["isRecordingAlarm"])
    time.sleep(1.0)
    assert live.get("/api/v1.2/cameras/alarms/untrigger", params={"cameraId": "1"}, auth=ADMIN).status_code == 200
    [recorded] = wait_for(lambda: a_slices(live))
    assert camera(live)["isRecordingAlarm"] is False
    start_ms, stop_ms = parse_iso_ms(recorded["start"]), parse_iso_ms(recorded["stop"])
    assert start_ms // 1000 == parse_iso_ms(alarm["recordTime"]) // 1000
    assert 2000 <= stop_ms - start_ms <= 5000, "pre-alarm + 1 s of alarm"
    data = live.get(recorded["downloadUrl"], auth=ADMIN).content
    with av.open(io.BytesIO(data)) as container:
        frames = list(container.decode(video=0))
    assert frames[0].key_frame and abs(len(frames) * 100 - (stop_ms - start_ms)) <= 100

    original = live.get(alarm["snapshot"])                       # no credentials needed
    assert original.status_code == 200 and original.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(original.content)).size == (320, 180)
    for query, size in (("?w=50&h=50", (50, 28)), ("?w=100", (100, 56)), ("?h=90", (160, 90))):
        thumb = live.get(alarm["snapshot"] + query)
        assert Image.open(io.BytesIO(thumb.content)).size == size, query
    assert live.get(alarm["thumbnail"]).status_code == 200
    for query in ("?w=0", "?w=abc", "?h=99999"):
        assert live.get(alarm["snapshot"] + query).status_code == 400, query


def test_camera_added_with_motion_detection_raises_motion_alarms(live):
    body = {"id": 7, "name": "Mover", "source": SOURCE, "preAlarmS": 0,
            "motion": {"enabled": True, "sensitivity": 60, "minArea": 0.01, "releaseS": 1,
                       "zones": [{"x": 0, "y": 0.25, "width": 1, "height": 0.5}]}}
    assert live.post("/api/v1.2/cameras", json=body, auth=ADMIN).status_code == 201
    alarms = wait_for(lambda: live.get("/api/v1.2/cameras/7/alarms", auth=ADMIN).json()["alarms"])
    assert alarms[0]["description"].startswith("MOTION Alarm")
    assert live.get(alarms[0]["snapshot"]).status_code == 200
    wait_for(lambda: camera(live, 7)["isRecordingAlarm"])
    bad = {**body, "id": 8, "motion": {"enabled": True, "zones": [{"x": 2, "y": 0, "width": 1, "height": 1}]}}
    assert live.post("/api/v1.2/cameras", json=bad, auth=ADMIN).status_code == 400
    assert live.post("/api/v1.2/cameras", json={**body, "id": 9, "motion": {"colour": 1}}, auth=ADMIN).status_code == 400
