"""A camera added through the API is pulled and recorded at once; changing it restarts it; removing
it closes and indexes its open slice, keeps its recordings, and logs each connect/disconnect."""

import time

import pytest

from tests.api.conftest import ADMIN

pytestmark = pytest.mark.slow

SOURCE = "synthetic://?width=160&height=90&fps=10&gop=10&bitrate=100000"


def wait_for(predicate, timeout_s=10.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_added_camera_records_until_removed(client, node):
    body = {"name": "Live", "source": SOURCE, "sliceMaxS": 1}
    cam_id = client.post("/api/v1.2/cameras", json=body, auth=ADMIN).json()["id"]
    camera = lambda: client.get(f"/api/v1.2/cameras/{cam_id}", auth=ADMIN).json()  # noqa: E731
    assert wait_for(lambda: camera()["status"] == 2 and camera()["isRecording"])
    slices = lambda: client.get(f"/api/v1.2/slices?cameraId={cam_id}", auth=ADMIN).json()["slices"]  # noqa: E731
    assert wait_for(lambda: len(slices()) >= 2)
    assert camera()["hdWidth"] == 160 and camera()["streams"][0]["connected"] is True

    assert client.put(f"/api/v1.2/cameras/{cam_id}", json={**body, "isIgnored": True}, auth=ADMIN).status_code == 200
    assert camera()["status"] == -2 and camera()["isRecording"] is False
    kept = slices()
    assert client.delete(f"/api/v1.2/cameras/{cam_id}", auth=ADMIN).status_code == 204
    after = client.get("/api/v1.2/slices", auth=ADMIN).json()["slices"]
    assert [s["start"] for s in after if s["cameraId"] == cam_id] == [s["start"] for s in kept]
    events = node.store.connections.list(camera_ids=[cam_id])
    assert [e.connected for e in reversed(events)] == [True, False]
    assert "H264 160x90" in events[-1].detail


def test_unreachable_camera_shows_an_error_status_and_logs_the_failure(client, node):
    body = {"name": "Gone", "source": "rtsp://127.0.0.1:9/none"}
    cam_id = client.post("/api/v1.2/cameras", json=body, auth=ADMIN).json()["id"]
    assert wait_for(lambda: node.store.connections.list(camera_ids=[cam_id]) != [])
    event = node.store.connections.list(camera_ids=[cam_id])[0]
    assert event.connected is False and "refused" in event.detail.lower()
    camera = client.get(f"/api/v1.2/cameras/{cam_id}", auth=ADMIN).json()
    assert camera["status"] == -1 and camera["streams"][0]["connected"] is False
    assert camera["deviceInfo"] == {"host": "127.0.0.1", "port": 9, "https": False}
