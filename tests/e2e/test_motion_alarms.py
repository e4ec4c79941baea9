"""End to end: the real server with a config-file camera whose `detect` substream has motion
detection on; a MOTION alarm appears over the CamTrace API with its picture, the camera records
`a` slices starting with the pre-alarm, and a static camera raises nothing."""

import time

import pytest

from camvault.core.timefmt import parse_iso_ms
from tests.support.server import CamvaultProcess

pytestmark = pytest.mark.slow

BASE = "synthetic://?width={w}&height={h}&fps=10&gop=10&bitrate=200000&motion={m}"


def camera(cam_id, motion):
    return {"id": cam_id, "name": f"Cam {cam_id}", "source": BASE.format(w=320, h=180, m=motion),
            "slice_max_s": 2, "pre_alarm_s": 1,
            "motion": {"enabled": True, "release_s": 1},
            "streams": [{"id": 1, "roles": ["rrecord", "arecord"], "quality": 3},
                        {"id": 2, "source": BASE.format(w=160, h=90, m=motion), "roles": ["detect"], "quality": 1}]}


@pytest.fixture
def server(tmp_path):
    config = {"recording": {"post_alarm_s": 1}, "cameras": [camera(1, 1), camera(2, 0)]}
    proc = CamvaultProcess(tmp_path / "data", config).start()
    yield proc
    assert proc.stopped_cleanly(), proc.log()


def test_motion_alarm_and_alarm_recording(server):
    with server.client() as http:
        deadline = time.monotonic() + 15
        alarms, slices = [], []
        while time.monotonic() < deadline and not (alarms and slices):
            time.sleep(0.5)
            alarms = http.get("/api/v1.2/cameras/alarms").json()["alarms"]
            slices = http.get("/api/v1.2/slices", params={"type": "a"}).json()["slices"]
        assert alarms and slices, server.log()
        assert {a["cameraId"] for a in alarms} == {1}, "the static camera raised nothing"
        first = alarms[-1]
        assert first["description"].startswith("MOTION Alarm starts at ")
        assert http.get("/api/v1.2/cameras/1").json()["isRecordingAlarm"] is True
        assert {s["cameraId"] for s in slices} == {1} and all(s["type"] == "a" for s in slices)
        assert parse_iso_ms(slices[0]["start"]) // 1000 == parse_iso_ms(first["recordTime"]) // 1000
        assert http.get(first["thumbnail"]).headers["content-type"] == "image/jpeg"
