"""CamTrace endpoints of the foundation: server time, servers, cameras (+ admin extension),
slices; the error shape and status codes for bad input, missing auth and missing rights."""

import base64

import pytest

from camvault.core.model import Slice
from tests.api.conftest import ADMIN, CONSULT


def test_server_time_needs_no_auth(client):
    body = client.get("/api/v1.2/getservertime").json()
    assert set(body["serverTime"]) == {"timestamp", "timezone"}
    assert isinstance(body["serverTime"]["timestamp"], int) and body["serverTime"]["timezone"] == "UTC"


def test_servers_lists_the_local_node(client):
    body = client.get("/api/v1.2/servers", auth=ADMIN).json()
    assert body["servers"][0]["id"] == 0 and body["servers"][0]["name"] == "Local"
    assert {"host", "httpPort", "livePort", "controlPort", "recordsPort"} <= set(body["servers"][0])


@pytest.mark.parametrize("auth", [None, ("admin", "wrong"), ("nobody", "x")])
def test_missing_or_wrong_credentials_are_401_in_camtrace_shape(client, auth):
    response = client.get("/api/v1.2/cameras", auth=auth)
    assert response.status_code == 401
    assert set(response.json()) == {"error"}
    assert response.headers["www-authenticate"].startswith("Basic")


def test_wrong_password_and_unknown_user_get_the_same_answer(client):
    assert client.get("/api/v1.2/cameras", auth=("admin", "wrong")).json() == \
        client.get("/api/v1.2/cameras", auth=("nobody", "x")).json() == {"error": "Invalid password!"}


def test_malformed_basic_header_is_401(client):
    response = client.get("/api/v1.2/cameras", headers={"Authorization": "Basic %%%"})
    assert response.status_code == 401


def test_credentials_in_url_arguments(client):
    assert client.get("/api/v1.2/cameras", params={"_username": "admin", "_password": "admin-pw"}).status_code == 200
    assert client.get("/api/v1.2/cameras", params={"_username": "admin", "_password": "no"}).status_code == 401
    header = "Basic " + base64.b64encode(b"carl:carl-pw").decode()
    assert client.get("/api/v1.2/cameras", headers={"Authorization": header}).status_code == 200


def test_camera_list_is_filtered_by_rights(client):
    assert [c["id"] for c in client.get("/api/v1.2/cameras", auth=ADMIN).json()["cameras"]] == [1, 2, 3]
    assert [c["id"] for c in client.get("/api/v1.2/cameras", auth=CONSULT).json()["cameras"]] == [1]


def test_camera_detail_statuses(client):
    camera = client.get("/api/v1.2/cameras/1", auth=CONSULT).json()
    assert camera["id"] == 1 and camera["name"] == "Cam 1"
    assert camera["isIgnored"] is True and camera["status"] == -2 and camera["isRecording"] is False
    assert camera["playLiveAllowed"] is True and camera["ptzAllowed"] is False
    assert client.get("/api/v1.2/cameras/2", auth=CONSULT).status_code == 403
    missing = client.get("/api/v1.2/cameras/99", auth=ADMIN)
    assert missing.status_code == 404 and "99" in missing.json()["error"]
    assert client.get("/api/v1.2/cameras/abc", auth=ADMIN).status_code == 404


def test_admin_extension_adds_changes_and_removes_a_camera(client):
    body = {"camera": {"name": "Added", "source": "synthetic://?width=160&height=90&fps=5", "isIgnored": True,
                       "streams": [{"id": 1, "roles": ["rrecord", "arecord"], "quality": 3},
                                   {"id": 2, "source": "synthetic://?width=80&height=46&fps=5", "quality": 1}]}}
    created = client.post("/api/v1.2/cameras", json=body, auth=ADMIN)
    assert created.status_code == 201, created.text
    cam_id = created.json()["id"]
    assert created.headers["location"] == f"/api/v1.2/cameras/{cam_id}"
    assert created.json()["ldStream"] == f"/live/view/{cam_id}.2"
    assert created.json()["alStream"] == f"/live/view/{cam_id}.1"
    assert created.json()["rpStream"] == f"/r?id={cam_id}" and created.json()["rpId"] == 1
    assert created.json()["isReplayEnabled"] is True              # it records alarms: /r replays the last one
    body["camera"]["name"] = "Renamed"
    assert client.put(f"/api/v1.2/cameras/{cam_id}", json=body, auth=ADMIN).json()["name"] == "Renamed"
    assert client.get(f"/api/v1.2/cameras/{cam_id}", auth=ADMIN).json()["name"] == "Renamed"
    assert client.delete(f"/api/v1.2/cameras/{cam_id}", auth=ADMIN).status_code == 204
    assert client.get(f"/api/v1.2/cameras/{cam_id}", auth=ADMIN).status_code == 404


def test_admin_extension_refusals(client):
    good = {"name": "X", "source": "synthetic://", "isIgnored": True}
    assert client.post("/api/v1.2/cameras", json=good, auth=CONSULT).status_code == 403
    bad_source = client.post("/api/v1.2/cameras", json={**good, "source": "ftp://cam"}, auth=ADMIN)
    assert bad_source.status_code == 400 and "scheme" in bad_source.json()["error"]
    unknown_field = client.post("/api/v1.2/cameras", json={**good, "colour": "red"}, auth=ADMIN)
    assert unknown_field.status_code == 400 and "colour" in unknown_field.json()["error"]
    bad_role = client.post("/api/v1.2/cameras", json={**good, "streams": [{"id": 1, "roles": ["fly"]}]}, auth=ADMIN)
    assert bad_role.status_code == 400
    assert client.post("/api/v1.2/cameras", content=b"{not json", auth=ADMIN).status_code == 400
    assert client.post("/api/v1.2/cameras", json={**good, "id": 1}, auth=ADMIN).status_code == 409
    from_config = client.put("/api/v1.2/cameras/1", json=good, auth=ADMIN)
    assert from_config.status_code == 409 and "config file" in from_config.json()["error"]
    assert client.delete("/api/v1.2/cameras/1", auth=ADMIN).status_code == 409
    assert client.delete("/api/v1.2/cameras/42", auth=ADMIN).status_code == 404


def add_slices(node, tmp_path):
    media = node.store.media
    made = []
    for cam, start, kind in ((1, 1_592_324_796_903, "a"), (1, 1_592_324_991_458, "a"), (2, 1_592_324_800_000, "r")):
        rel = f"slices/{cam}/2020-06-16/{cam}.1-{start}-{kind}.mkv"
        path = media.absolute(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\x1a\x45\xdf\xa3" + bytes(range(256)) * 4)
        made.append(node.recordings.add_slice(Slice(0, cam, 1, start, start + 60_000, kind, path.stat().st_size, rel)))
    return made


def test_slices_list_matches_the_document_shape(client, node, tmp_path):
    add_slices(node, tmp_path)
    body = client.get("/api/v1.2/slices", params={"cameraId": "1,2", "from": "2020-06-16T16:25:00Z",
                                                   "to": "2020-06-16T16:35:00Z"}, auth=ADMIN).json()
    first = body["slices"][0]
    assert first == {"cameraId": 1, "cameraName": "Cam 1", "start": "2020-06-16T16:26:36.903Z",
                     "stop": "2020-06-16T16:27:36.903Z", "type": "a",
                     "downloadUrl": "/api/v1.2/slices/1/2020-06-16T16%3A26%3A36.903Z/a/download",
                     "size": 1028, "protected": False}
    assert len(body["slices"]) == 3
    assert [s["type"] for s in client.get("/api/v1.2/slices?type=r", auth=ADMIN).json()["slices"]] == ["r"]


def test_slices_are_filtered_by_rights_and_refused_for_forbidden_cameras(client, node, tmp_path):
    add_slices(node, tmp_path)
    assert {s["cameraId"] for s in client.get("/api/v1.2/slices", auth=CONSULT).json()["slices"]} == {1}
    assert client.get("/api/v1.2/slices?cameraId=2", auth=CONSULT).status_code == 403
    assert client.get("/api/v1.2/slices?cameraId=77", auth=ADMIN).status_code == 404
    assert client.get("/api/v1.2/slices/2/2020-06-16T16%3A33%3A20.000Z/r/download", auth=CONSULT).status_code == 403


def test_slices_paging_extension_sets_a_next_link(client, node, tmp_path):
    add_slices(node, tmp_path)
    first = client.get("/api/v1.2/slices?limit=2", auth=ADMIN)
    assert len(first.json()["slices"]) == 2
    assert first.headers["link"] == '</api/v1.2/slices?limit=2&offset=2>; rel="next"'
    with_url_credentials = client.get("/api/v1.2/slices?limit=1&type=a&_username=admin&_password=admin-pw")
    assert with_url_credentials.headers["link"] == '</api/v1.2/slices?limit=1&type=a&offset=1>; rel="next"'
    rest = client.get("/api/v1.2/slices?limit=2&offset=2", auth=ADMIN)
    assert len(rest.json()["slices"]) == 1 and "link" not in rest.headers


@pytest.mark.parametrize("query", ["from=yesterday", "to=2020-13-45T00:00:00Z", "cameraId=one", "type=x",
                                   "from=2020-06-17T00:00:00Z&to=2020-06-16T00:00:00Z", "limit=-1"])
def test_bad_slice_queries_are_400(client, query):
    response = client.get(f"/api/v1.2/slices?{query}", auth=ADMIN)
    assert response.status_code == 400
    assert response.json()["error"]


def test_download_serves_the_file_with_ranges(client, node, tmp_path):
    made = add_slices(node, tmp_path)
    url = "/api/v1.2/slices/1/2020-06-16T16%3A26%3A36.903Z/a/download"
    whole = client.get(url, auth=CONSULT)
    assert whole.status_code == 200 and whole.headers["content-type"] == "video/x-matroska"
    assert whole.content == node.store.media.absolute(made[0].path).read_bytes()
    part = client.get(url, auth=CONSULT, headers={"Range": "bytes=4-7"})
    assert part.status_code == 206 and part.content == bytes(range(4))
    assert client.get("/api/v1.2/slices/1/2020-06-16T16%3A26%3A36.903Z/r/download", auth=ADMIN).status_code == 404
    assert client.get("/api/v1.2/slices/1/not-a-date/a/download", auth=ADMIN).status_code == 400


def test_camera_has_every_documented_attribute(client):
    """Every name of the document's "Camera attributes description" table."""
    documented = ["id", "name", "displayCode", "isIgnored", "isRecording", "isRecordingAlarm", "isRecordingForced",
                  "isRemote", "isReplayEnabled", "isUpsideDown", "model", "playLiveAllowed", "playRecordsAllowed",
                  "ptzAllowed", "refUrl", "status", "streams", "ptz", "deviceId", "isIndexingRegul", "networkInfo",
                  "deviceInfo"]
    for prefix in ("hd", "md", "ld", "al", "rp"):
        documented += [f"{prefix}{field}" for field in ("Stream", "Id", "Encoding", "Width", "Height")]
    camera = client.get("/api/v1.2/cameras/1", auth=ADMIN).json()
    assert [name for name in documented if name not in camera] == []
    assert set(camera["ptz"]) == {"click", "areazoom", "zoomback", "continuous", "presets", "tours"}
