"""`GET /cameras/:id/ref.jpg` and the camera's `refUrl`: 404 with no body for a camera that never
delivered a picture; the JPEG of a live synthetic camera added through the API; a live snapshot
(no `time`) of that camera takes the picture of the moment."""

import calendar
import io
import time

from PIL import Image

from tests.api.conftest import ADMIN, CONSULT

LIVE = {"name": "Live", "source": "synthetic://?width=160&height=90&fps=5&bitrate=100000"}


def wait_for(predicate, timeout_s=10.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_no_picture_is_404_with_no_body(client):
    response = client.get("/api/v1.2/cameras/1/ref.jpg", auth=ADMIN)
    assert response.status_code == 404 and response.content == b""
    assert client.get("/api/v1.2/cameras/1", auth=ADMIN).json()["refUrl"] is None


def test_unknown_or_forbidden_camera(client):
    unknown = client.get("/api/v1.2/cameras/99/ref.jpg", auth=ADMIN)
    assert unknown.status_code == 404 and "99" in unknown.json()["error"]
    assert client.get("/api/v1.2/cameras/2/ref.jpg", auth=CONSULT).status_code == 403
    assert client.get("/api/v1.2/cameras/1/ref.jpg").status_code == 401


def test_live_camera_reference_image_and_live_snapshot(client):
    cam_id = client.post("/api/v1.2/cameras", json=LIVE, auth=ADMIN).json()["id"]

    def ref():
        return client.get(f"/api/v1.2/cameras/{cam_id}/ref.jpg", auth=ADMIN)

    assert wait_for(lambda: ref().status_code == 200)
    response = ref()
    assert response.headers["content-type"] == "image/jpeg"
    picture = Image.open(io.BytesIO(response.content))
    assert picture.format == "JPEG" and picture.size == (160, 90)
    camera = client.get(f"/api/v1.2/cameras/{cam_id}", auth=ADMIN).json()
    assert camera["refUrl"] == f"/api/v1.2/cameras/{cam_id}/ref.jpg"
    assert client.get(f"/api/v1.2/cameras/{cam_id}/ref.jpg", auth=CONSULT).status_code == 403

    before_s = time.time()
    created = client.post("/api/v1.2/snapshots", json={"snapshot": {"cameraId": cam_id}}, auth=ADMIN)
    assert created.status_code == 201, created.text
    snap = created.json()["snapshot"]
    taken_s = calendar.timegm(time.strptime(snap["time"], "%Y-%m-%dT%H:%M:%SZ"))
    assert before_s - 3 <= taken_s <= time.time(), "the picture of the moment (the latest keyframe, GOP 1 s)"
    image = Image.open(io.BytesIO(client.get(snap["imageUrl"], auth=ADMIN).content))
    assert image.size == (160, 90)
