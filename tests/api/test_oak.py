"""The OAK streams dialect (`/oak`) over cameras that pull no video (one in-process node on SQLite
for the module; the rules do not depend on the database): devices and their mxid, path checks
(422 in the HTTPValidationError shape), 404s, Basic auth and rights (401/403 as `{"detail"}`),
stream lists, activation with the depth exclusion, the three configuration shapes and what a post
may change, controls (partial update, ranges, persistence, `not_applied`), still errors."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from camvault.api.http import build_http_app
from camvault.app import Camvault
from camvault.config import CameraConfig, Config, DatabaseConfig, OakConfig, StorageConfig, StreamConfig
from camvault.core.model import CameraRight
from camvault.core.sensors import mxid_for

ADMIN = ("admin", "admin-pw")
VERA = ("vera", "vera-pw")          # consult: cameras 1 and 2, live, no PTZ
PAT = ("pat", "pat-pw")             # camera 1 with PTZ, without live
RIG_SERIAL = "14442C10D13EABCE00"
ODD_SERIAL = "ab-12/x"
PLAIN = "synthetic://?width=160&height=90&fps=5"


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("oak")
    cameras = [
        CameraConfig(id=1, name="Rig", source="synthetic://stereo?fps=5", serial_number=RIG_SERIAL, enabled=False),
        CameraConfig(id=2, name="Plain", source=PLAIN, serial_number=ODD_SERIAL, enabled=False, streams=[
            StreamConfig(id=1, name="main", roles=["rrecord"]), StreamConfig(id=2, name="sub", source=PLAIN)]),
        CameraConfig(id=3, name="Door", source="rtsp://127.0.0.1:9/x", serial_number="DOOR3", enabled=False),
        CameraConfig(id=4, name="Rig 2", source="synthetic://stereo?fps=5", serial_number="RIG4", enabled=False),
    ]
    config = Config(storage=StorageConfig(data_dir=tmp / "data", min_free_bytes=0),
                    database=DatabaseConfig(url=f"sqlite:///{tmp / 'db.sqlite'}"), cameras=cameras)
    return Camvault(config, admin_password=ADMIN[1])


@pytest.fixture(scope="module")
def http(node):
    with TestClient(build_http_app(node, announce=lambda _m: None)) as client:
        node.users.create(VERA[0], VERA[1], "consult", camera_ids=[1, 2])
        node.users.create(PAT[0], PAT[1], "consult", camera_ids=[1])
        node.users.set_rights(PAT[0], [CameraRight(1, live=False, ptz=True)])
        yield client


def get(http, path, auth=ADMIN, **kw):
    return http.get("/oak" + path, auth=auth, **kw)


def post(http, path, body=None, auth=ADMIN):
    return http.post("/oak" + path, json=body, auth=auth)


def validation_error(response, loc):
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, list) and all({"loc", "msg", "type"} <= set(d) for d in detail)
    assert any(d["loc"][:len(loc)] == loc for d in detail), detail
    return detail


def test_devices_list_every_visible_camera_with_its_mxid(http):
    devices = get(http, "/cameras/").json()
    odd = mxid_for(ODD_SERIAL)
    assert odd.startswith("AB12X") and len(odd) == 11
    assert [d["mxid"] for d in devices] == [RIG_SERIAL, odd, "DOOR3", "RIG4"]
    rig = devices[0]
    assert rig == {"mxid": RIG_SERIAL, "name": "Rig", "camera_name": "camvault synthetic stereo",
                   "platform": "X_LINK_MYRIAD_X", "protocol": "X_LINK_IPC", "state": "X_LINK_UNBOOTED",
                   "status": "X_LINK_COMMUNICATION_NOT_OPEN", "camvault_camera_id": 1}
    assert devices[1]["platform"] == "X_LINK_ANY_PLATFORM" and devices[2]["protocol"] == "X_LINK_TCP_IP"
    assert get(http, f"/cameras/{odd}/").json() == devices[1]
    assert [d["mxid"] for d in get(http, "/cameras/", auth=VERA).json()] == [RIG_SERIAL, odd]


def test_path_parameters_are_checked_and_unknown_ones_are_404(http):
    validation_error(get(http, "/cameras/abc/"), ["path", "mxid"])
    validation_error(get(http, f"/cameras/{RIG_SERIAL}/streams/CAM_Z/config"), ["path", "stream_name"])
    validation_error(post(http, f"/cameras/{RIG_SERIAL}/streams/cam_a/"), ["path", "stream_name"])
    for response in (get(http, "/cameras/NOSUCH/"), get(http, "/cameras/NOSUCH/streams/"),
                     get(http, f"/cameras/{RIG_SERIAL}/streams/CAM_H/control"),        # no such sensor
                     get(http, f"/cameras/{RIG_SERIAL}/streams/xCAM_Ax/config"),       # the pattern is unanchored
                     post(http, f"/cameras/{RIG_SERIAL}/streams/DEPTH_A_B/")):
        assert response.status_code == 404, response.text
        assert isinstance(response.json()["detail"], str)


def test_basic_auth_and_rights(http):
    anonymous = http.get(f"/oak/cameras/{RIG_SERIAL}/streams/")
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"].startswith("Basic")
    assert "detail" in anonymous.json()
    assert get(http, "/cameras/", auth=(ADMIN[0], "wrong")).status_code == 401
    assert get(http, "/cameras/DOOR3/", auth=VERA).status_code == 403
    assert get(http, f"/cameras/{RIG_SERIAL}/streams/CAM_A/control", auth=VERA).status_code == 200
    for response in (post(http, f"/cameras/{RIG_SERIAL}/streams/CAM_A/", auth=VERA),
                     http.delete(f"/oak/cameras/{RIG_SERIAL}/streams/CAM_A/", auth=VERA),
                     post(http, f"/cameras/{RIG_SERIAL}/streams/CAM_A/config", {"resolution": "THE_720_P"}, VERA),
                     post(http, f"/cameras/{RIG_SERIAL}/streams/CAM_A/control", {"contrast": 1}, VERA),
                     get(http, f"/cameras/{RIG_SERIAL}/streams/CAM_A/still", auth=PAT)):
        assert response.status_code in (403, 422), response.text
        if response.status_code == 403:
            assert isinstance(response.json()["detail"], str)
    assert post(http, f"/cameras/{RIG_SERIAL}/streams/CAM_A/", auth=VERA).status_code == 403
    assert post(http, f"/cameras/{RIG_SERIAL}/streams/CAM_A/control", {"contrast": 1}, VERA).status_code == 403
    assert post(http, f"/cameras/{RIG_SERIAL}/streams/CAM_A/control", {"contrast": 1}, PAT).status_code == 200
    assert get(http, f"/cameras/{RIG_SERIAL}/streams/CAM_A/still", auth=PAT).status_code == 403


def active(http, mxid):
    return {s["name"]: s["active"] for s in get(http, f"/cameras/{mxid}/streams/").json()}


def test_activation_excludes_depth_and_its_sensors(http):
    assert get(http, "/cameras/RIG4/streams/").json() == [
        {"name": "CAM_A", "active": True}, {"name": "CAM_B", "active": True},
        {"name": "CAM_C", "active": True}, {"name": "DEPTH_B_C", "active": False}]
    response = post(http, "/cameras/RIG4/streams/DEPTH_B_C/")
    assert response.status_code == 201 and response.json() is None
    assert active(http, "RIG4") == {"CAM_A": True, "CAM_B": False, "CAM_C": False, "DEPTH_B_C": True}
    camtrace = http.get("/api/v1.2/cameras/4", auth=ADMIN).json()
    streams = camtrace.get("camera", camtrace).get("streams") if isinstance(camtrace, dict) else None
    assert streams is not None, camtrace
    assert {s["name"]: s["ignored"] for s in streams} == {"CAM_A": False, "CAM_B": True, "CAM_C": True,
                                                           "DEPTH_B_C": False}
    assert post(http, "/cameras/RIG4/streams/CAM_B/").status_code == 201
    assert active(http, "RIG4") == {"CAM_A": True, "CAM_B": True, "CAM_C": False, "DEPTH_B_C": False}
    assert post(http, "/cameras/RIG4/streams/CAM_B/").status_code == 201           # again: nothing changes
    response = http.delete("/oak/cameras/RIG4/streams/CAM_A/", auth=ADMIN)
    assert response.status_code == 202
    assert active(http, "RIG4") == {"CAM_A": False, "CAM_B": True, "CAM_C": False, "DEPTH_B_C": False}
    assert http.delete("/oak/cameras/RIG4/streams/CAM_A/", auth=ADMIN).status_code == 202


def test_plain_cameras_have_one_sensor_per_stream(http):
    odd = mxid_for(ODD_SERIAL)
    assert get(http, f"/cameras/{odd}/streams/").json() == [{"name": "CAM_A", "active": True},
                                                           {"name": "CAM_B", "active": True}]


def test_config_shapes(http):
    base = f"/cameras/{RIG_SERIAL}/streams"
    assert get(http, f"{base}/CAM_A/config").json() == {
        "resolution": "THE_720_P", "still_size": [1280, 720], "preview_size": [1280, 720],
        "video_size": [1280, 720], "sensor_crop": [0.0, 0.0], "fps": 5.0}
    assert get(http, f"{base}/CAM_C/config").json() == {"resolution": "THE_400_P", "fps": 5.0}
    assert get(http, f"{base}/DEPTH_B_C/config").json() == {
        "resolution": [640, 400], "still_size": [640, 400], "preview_size": [640, 400], "video_size": [640, 400],
        "fps": 5.0}
    assert get(http, f"/cameras/{mxid_for(ODD_SERIAL)}/streams/CAM_B/config").json()["resolution"] == [160, 90]
    assert get(http, "/cameras/DOOR3/streams/CAM_A/config").json() == {
        "resolution": [0, 0], "still_size": [0, 0], "preview_size": [0, 0], "video_size": [0, 0], "fps": 0.0}


def test_config_post_changes_the_stream_and_refuses_what_does_not_fit(http, node):
    base = f"/cameras/{RIG_SERIAL}/streams"
    response = post(http, f"{base}/CAM_C/config", {"resolution": "THE_480_P", "fps": 8})
    assert response.status_code == 200 and response.json() == {"resolution": "THE_480_P", "fps": 8.0}
    assert get(http, f"{base}/CAM_C/config").json() == {"resolution": "THE_480_P", "fps": 8.0}
    source = node.store.cameras.get(1).stream(3).source
    assert "width=640" in source and "height=480" in source and "fps=8" in source and "sensor=CAM_C" in source
    depth = {"resolution": [320, 200], "still_size": [1, 1], "preview_size": [1, 1], "video_size": [1, 1], "fps": 4}
    assert post(http, f"{base}/DEPTH_B_C/config", depth).json()["video_size"] == [320, 200]
    color = {"resolution": "THE_1080_P", "still_size": [1920, 1080], "preview_size": [640, 360],
             "video_size": [1920, 1080], "sensor_crop": [0.0, 0.0], "fps": 12.0}
    assert post(http, f"{base}/CAM_A/config", color).json()["resolution"] == "THE_1080_P"
    refused = [
        (f"{base}/CAM_B/config", color, "ColorCameraConfigProperties"),                  # shape of another sensor
        (f"{base}/CAM_A/config", {**color, "resolution": "THE_48_MP"}, "8000x6000"),      # beyond 7680x4320
        (f"{base}/CAM_A/config", {**color, "fps": 12.5}, "whole number"),
        (f"{base}/DEPTH_B_C/config", {**depth, "resolution": [321, 200]}, "even"),
        ("/cameras/DOOR3/streams/CAM_A/config", {**depth, "resolution": [640, 480]}, "rtsp:// camera"),
    ]
    for path, body, words in refused:
        detail = validation_error(post(http, path, body), ["body"])
        assert words in detail[0]["msg"], detail
    validation_error(post(http, f"{base}/CAM_B/config", {"resolution": "THE_400_P"}), ["body"])     # no fps
    validation_error(post(http, f"{base}/CAM_B/config", {"resolution": "THE_4_K", "fps": 5}), ["body"])
    validation_error(post(http, f"{base}/CAM_B/config", [1, 2]), ["body"])
    assert get(http, f"{base}/CAM_A/config").json()["resolution"] == "THE_1080_P"


def test_controls_merge_persist_and_say_what_the_device_cannot_apply(http, node):
    base = f"/cameras/{RIG_SERIAL}/streams"
    defaults = get(http, f"{base}/CAM_B/control").json()
    assert defaults["focus"] is None and defaults["brightness"] == 0 and defaults["auto_whitebalance_mode"] == "AUTO"
    assert get(http, f"{base}/CAM_A/control").json()["focus"] == {
        "auto_focus_mode": "CONTINUOUS_VIDEO", "auto_focus_trigger": False, "lens_position": 0.0}
    response = post(http, f"{base}/CAM_B/control", {"brightness": 5, "auto_whitebalance_mode": "SHADE"})
    assert response.status_code == 200
    assert response.json() == {**defaults, "brightness": 5, "auto_whitebalance_mode": "SHADE"}   # no not_applied
    changed = post(http, f"{base}/CAM_B/control", {"focus": {"auto_focus_mode": "OFF", "lens_position": 0.25}}).json()
    assert changed["brightness"] == 5 and changed["focus"] == {
        "auto_focus_mode": "OFF", "auto_focus_trigger": False, "lens_position": 0.25}
    assert get(http, f"{base}/CAM_B/control").json() == changed
    moved = post(http, f"{base}/CAM_B/control", {"focus": {"lens_position": 0.5}, "contrast": 4.0}).json()
    assert moved["focus"]["auto_focus_mode"] == "OFF" and moved["focus"]["lens_position"] == 0.5   # merged
    assert moved["contrast"] == 4 and isinstance(moved["contrast"], int)                          # 4.0 is an integer
    assert node.store.sensor_controls.get(1, "CAM_B")["brightness"] == 5
    for body, field in [({"brightness": 11}, "brightness"), ({"auto_exposure_enable": 1}, "auto_exposure_enable"),
                        ({"sensitivity_iso": "400"}, "sensitivity_iso"), ({"contrast": None}, "contrast"),
                        ({"focus": {"lens_position": 1.5}}, "focus"), ({"auto_whitebalance_mode": "X"}, None)]:
        validation_error(post(http, f"{base}/CAM_B/control", body), ["body"] + ([field] if field else []))
    plain = post(http, f"/cameras/{mxid_for(ODD_SERIAL)}/streams/CAM_A/control", {"contrast": 2, "saturation": -1})
    assert plain.status_code == 200 and plain.json()["not_applied"] == ["contrast", "saturation"]
    door = post(http, "/cameras/DOOR3/streams/CAM_A/control", {"luma_denoise": 2})
    assert door.json()["luma_denoise"] == 2 and door.json()["not_applied"] == ["luma_denoise"]


def test_still_errors(http):
    base = f"/cameras/{RIG_SERIAL}/streams"
    assert get(http, f"{base}/CAM_A/still").status_code == 404                    # the camera pulls no video
    assert get(http, f"{base}/DEPTH_B_C/still").status_code == 404                # inactive
    detail = validation_error(get(http, f"{base}/CAM_A/still", params={"format": "xyz"}), ["query", "format"])
    assert "xyz" in detail[0]["msg"]
    validation_error(get(http, "/cameras/NOSUCH/streams/CAM_A/still", params={"format": "svg"}), ["query"])


def test_an_anonymous_user_serves_requests_without_credentials(tmp_path):
    """`oak.anonymous_user`: no Authorization header -> that user's rights; sent credentials are
    still checked; an unknown name keeps credentials required."""
    cameras = [CameraConfig(id=1, name="Rig", source="synthetic://stereo?fps=5", serial_number=RIG_SERIAL,
                            enabled=False),
               CameraConfig(id=2, name="Door", source="rtsp://127.0.0.1:9/x", serial_number="DOOR2", enabled=False)]
    config = Config(storage=StorageConfig(data_dir=tmp_path / "data", min_free_bytes=0),
                    database=DatabaseConfig(url=f"sqlite:///{tmp_path / 'db.sqlite'}"), cameras=cameras,
                    oak=OakConfig(anonymous_user="robot"))
    node = Camvault(config, admin_password=ADMIN[1])
    with TestClient(build_http_app(node, announce=lambda _m: None)) as client:
        assert client.get("/oak/cameras/").status_code == 401            # "robot" does not exist yet
        node.users.create("robot", "robot-pw", "consult", camera_ids=[1])
        assert [d["mxid"] for d in client.get("/oak/cameras/").json()] == [RIG_SERIAL]
        assert client.get("/oak/cameras/DOOR2/").status_code == 403
        assert client.post(f"/oak/cameras/{RIG_SERIAL}/streams/DEPTH_B_C/").status_code == 403   # not an admin
        assert client.get("/oak/cameras/", auth=("robot", "wrong")).status_code == 401
        assert len(client.get("/oak/cameras/", auth=ADMIN).json()) == 2
