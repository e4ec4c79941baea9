"""CamTrace passive screens over the real node: the documented list, detail and PUT shapes; cameraId
and groupId replacing each other; errors in the CamTrace shape (unknown screen, camera, mosaic,
server; bad bodies); who may assign what (live right on the camera, view right on the mosaic); the
Admin extension (POST, DELETE); screens from the config file (re-applied, kept assignment, removed
when gone from the file); the system action `show`; a deleted camera blanks its screens."""

from __future__ import annotations

import pytest

from camvault.app import Camvault
from camvault.config import CameraConfig, Config, DatabaseConfig, ScreenConfig, StorageConfig
from camvault.core.model import CameraRight
from camvault.services.screens import ScreenSpec
from tests.api.conftest import ADMIN, CONSULT

URL = "/api/v1.2/screens"
NOLIVE = ("nina", "nina-pw")        # camera 1 without the live right
DOC_SCREEN = {"id": 1, "num": 2, "name": "PassScreen1", "host": "10.5.0.38", "serverId": 0, "cameraId": 1,
              "groupId": None, "displayCode": None}


@pytest.fixture
def node(tmp_path, database_url):
    """Three ignored cameras and the document's screen (id 1, num 2) from the config file."""
    cameras = [CameraConfig(id=i, name=f"Cam {i}", source="synthetic://?width=160&height=90&fps=5", enabled=False)
               for i in (1, 2, 3)]
    screens = [ScreenConfig(id=1, num=2, name="PassScreen1", host="10.5.0.38")]
    config = Config(storage=StorageConfig(data_dir=tmp_path / "data", min_free_bytes=0),
                    database=DatabaseConfig(url=database_url), cameras=cameras, screens=screens)
    return Camvault(config, admin_password=ADMIN[1])


def put(client, screen_id, body, auth=ADMIN, **kwargs):
    return client.put(f"{URL}/{screen_id}", json={"screen": body}, auth=auth, **kwargs)


def create_mosaic(client, camera_id=1) -> int:
    """A one-cell mosaic made through the CamTrace mosaics API (the mosaics area)."""
    element = {"position": 0, "serverId": 0, "cameraId": camera_id, "quality": 1, "mode": "v", "type": "c",
               "url": None, "showMargin": True, "showMenu": True, "keepRatio": True, "alignment": 0}
    body = {"group": {"name": f"Mosaic of {camera_id}", "rows": 1, "cols": 1, "fullScreen": False,
                      "pushMode": False, "layout": [[0]],
                      "levels": [{"name": "level 0", "duration": 10, "elements": [element]}]}}
    response = client.post("/api/v1.2/groups", json=body, auth=ADMIN)
    assert response.status_code == 201, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_documented_shapes(client):
    listed = client.get(URL, auth=ADMIN)
    assert listed.status_code == 200
    assert listed.json() == {"screens": [{**DOC_SCREEN, "cameraId": None, "href": f"{URL}/1"}]}
    answer = put(client, 1, {"serverId": 0, "cameraId": 1})
    assert answer.status_code == 200 and answer.json() == DOC_SCREEN
    assert client.get(f"{URL}/1", auth=ADMIN).json() == DOC_SCREEN
    assert client.get(URL, auth=CONSULT).json() == {"screens": [{**DOC_SCREEN, "href": f"{URL}/1"}]}


def test_group_replaces_camera_and_camera_replaces_group(client):
    mosaic = create_mosaic(client)
    put(client, 1, {"serverId": 0, "cameraId": 2})
    answer = put(client, 1, {"serverId": 0, "groupId": mosaic})
    assert answer.status_code == 200
    assert answer.json() == {**DOC_SCREEN, "cameraId": None, "groupId": mosaic}
    answer = put(client, 1, {"cameraId": 3})                  # serverId may be left out
    assert answer.json() == {**DOC_SCREEN, "cameraId": 3, "groupId": None}
    assert put(client, 1, {"groupId": None}).json() == {**DOC_SCREEN, "cameraId": None}     # blank


def test_errors_have_the_camtrace_shape(client):
    cases = [
        (put(client, 9, {"cameraId": 1}), 404, "Screen 9 not found"),
        (client.get(f"{URL}/9", auth=ADMIN), 404, "Screen 9 not found"),
        (client.get(f"{URL}/abc", auth=ADMIN), 404, "Screen abc not found"),
        (put(client, 1, {"cameraId": 42}), 404, "Camera 42 not found"),
        (put(client, 1, {"groupId": 42}), 404, "Mosaic 42 not found"),
        (put(client, 1, {"serverId": 3, "cameraId": 1}), 404, "Server 3 not found"),
        (put(client, 1, {"cameraId": 1, "groupId": 2}), 400, "A screen shows a camera or a mosaic, not both"),
        (put(client, 1, {"serverId": 0}), 400, "Give the screen a cameraId or a groupId (null: nothing)"),
        (put(client, 1, {"cameraId": "one"}), 400, None),
        (client.put(f"{URL}/1", content=b"not json", auth=ADMIN), 400, "The body must be JSON"),
    ]
    for response, status, message in cases:
        assert response.status_code == status, response.text
        assert set(response.json()) == {"error"}
        if message:
            assert response.json()["error"] == message
    assert client.get(f"{URL}/1", auth=ADMIN).json()["cameraId"] is None          # nothing was changed
    french = put(client, 1, {"cameraId": 1, "groupId": 2}, headers={"Accept-Language": "fr"})
    assert french.json() == {"error": "Un écran affiche une caméra ou une mosaïque, pas les deux"}
    unauthenticated = client.get(URL)
    assert unauthenticated.status_code == 401 and "Basic" in unauthenticated.headers["WWW-Authenticate"]


def test_a_user_assigns_only_what_the_user_may_view_live(client, node):
    assert put(client, 1, {"cameraId": 1}, auth=CONSULT).status_code == 200
    refused = put(client, 1, {"cameraId": 2}, auth=CONSULT)
    assert refused.status_code == 403 and refused.json() == {"error": "You have no rights on camera 2"}
    node.users.create(NOLIVE[0], NOLIVE[1], "consult", camera_ids=[1])
    node.users.set_rights(NOLIVE[0], [CameraRight(1, live=False)])
    assert put(client, 1, {"cameraId": 1}, auth=NOLIVE).status_code == 403
    assert client.get(f"{URL}/1", auth=NOLIVE).json()["cameraId"] == 1          # unchanged, still visible


def test_a_user_assigns_a_mosaic_only_with_its_view_right(client, node):
    mosaic = create_mosaic(client)
    refused = put(client, 1, {"groupId": mosaic}, auth=CONSULT)
    assert refused.status_code == 403 and refused.json() == {"error": f"You may not view mosaic {mosaic}"}
    node.users.grant_object(CONSULT[0], "mosaic", str(mosaic), {"view"})
    assert put(client, 1, {"groupId": mosaic}, auth=CONSULT).json()["groupId"] == mosaic


def test_admin_creates_and_deletes_screens(client):
    created = client.post(URL, json={"screen": {"num": 5, "name": " Hall wall ", "host": "10.5.0.40",
                                                "displayCode": 5}}, auth=ADMIN)
    assert created.status_code == 201, created.text
    screen = {"id": 2, "num": 5, "name": "Hall wall", "host": "10.5.0.40", "serverId": 0, "cameraId": None,
              "groupId": None, "displayCode": 5}
    assert created.json() == screen and created.headers["Location"] == f"{URL}/2"
    assert [s["id"] for s in client.get(URL, auth=ADMIN).json()["screens"]] == [1, 2]
    assert put(client, 2, {"cameraId": 2}).json() == {**screen, "cameraId": 2}
    duplicate = client.post(URL, json={"screen": {"num": 5, "name": "Other"}}, auth=ADMIN)
    assert duplicate.status_code == 409 and duplicate.json() == {"error": "A screen with num 5 already exists"}
    assert client.post(URL, json={"screen": {"num": 6, "name": "  "}}, auth=ADMIN).status_code == 400
    assert client.post(URL, json={"screen": {"name": "No num"}}, auth=ADMIN).status_code == 400
    assert client.post(URL, json={"screen": {"num": 6, "name": "N", "displayCode": -1}}, auth=ADMIN).status_code == 400
    assert client.post(URL, json={"screen": {"num": -1, "name": "N"}}, auth=ADMIN).status_code == 400
    assert client.post(URL, json={"screen": {"num": 7, "name": "Mine"}}, auth=CONSULT).status_code == 403
    assert client.delete(f"{URL}/2", auth=CONSULT).status_code == 403
    assert client.delete(f"{URL}/2", auth=ADMIN).status_code == 204
    assert client.get(f"{URL}/2", auth=ADMIN).status_code == 404
    assert client.delete(f"{URL}/2", auth=ADMIN).status_code == 404
    from_config = client.delete(f"{URL}/1", auth=ADMIN)
    assert from_config.status_code == 409
    assert from_config.json() == {"error": "Screen 1 is defined in the config file; remove it there"}


def test_config_screens_are_reapplied_keeping_what_they_show(client, node):
    put(client, 1, {"cameraId": 2})
    node.screens.sync_config([ScreenSpec(id=1, num=3, name="Renamed", host="10.5.0.39", display_code=9),
                              ScreenSpec(id=4, num=8, name="Second")])
    assert client.get(URL, auth=ADMIN).json()["screens"] == [
        {**DOC_SCREEN, "num": 3, "name": "Renamed", "host": "10.5.0.39", "cameraId": 2, "displayCode": 9,
         "href": f"{URL}/1"},
        {"id": 4, "num": 8, "name": "Second", "host": "", "serverId": 0, "cameraId": None, "groupId": None,
         "displayCode": None, "href": f"{URL}/4"}]
    assert client.delete(f"{URL}/4", auth=ADMIN).status_code == 409
    node.screens.sync_config([ScreenSpec(id=4, num=8, name="Second")])        # screen 1 left the file
    assert [s["id"] for s in client.get(URL, auth=ADMIN).json()["screens"]] == [4]
    assert client.post(URL, json={"screen": {"num": 1, "name": "API"}}, auth=ADMIN).json()["id"] == 5


def test_show_is_a_system_action_without_rights(client, node):
    screen = node.screens.show(1, camera_id=3)                  # nobody in particular: no rights involved
    assert (screen.camera_id, screen.mosaic_id) == (3, None)
    assert client.get(f"{URL}/1", auth=CONSULT).json()["cameraId"] == 3
    mosaic = create_mosaic(client)
    assert node.screens.show(1, mosaic_id=mosaic).camera_id is None
    assert client.get(f"{URL}/1", auth=CONSULT).json()["groupId"] == mosaic
    for kwargs, key in (({"camera_id": 42}, "camera_not_found"), ({"mosaic_id": 4242}, "screen_mosaic_not_found")):
        with pytest.raises(Exception) as error:
            node.screens.show(1, **kwargs)
        assert error.value.key == key
    with pytest.raises(Exception) as error:
        node.screens.show(7, camera_id=1)
    assert error.value.key == "screen_not_found"


def test_deleting_a_camera_blanks_its_screens(client):
    created = client.post("/api/v1.2/cameras", json={"camera": {
        "name": "Temporary", "source": "synthetic://?width=160&height=90&fps=5", "isIgnored": True}}, auth=ADMIN)
    assert created.status_code == 201, created.text
    camera_id = created.json()["id"]
    assert put(client, 1, {"cameraId": camera_id}).json()["cameraId"] == camera_id
    assert client.delete(f"/api/v1.2/cameras/{camera_id}", auth=ADMIN).status_code == 204
    assert client.get(f"{URL}/1", auth=ADMIN).json()["cameraId"] is None
