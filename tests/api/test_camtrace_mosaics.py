"""CamTrace mosaics ("groups") over HTTP, on both databases: the document's create, in-depth and
cycle modification examples (trailing commas included) under /api/v1.2 and /api/v1 with their
status codes, Location / Content-Location and bodies; list and retrieve filtered by the mosaic
rights (and elements of cameras the user may not view left out); validation errors in the
CamTrace shape; real-time overrides; the Admin DELETE extension."""

from __future__ import annotations

import copy

import pytest

from tests.api.conftest import ADMIN, CONSULT


def element(position, camera_id, **kw) -> dict:
    return {"position": position, "serverId": 0, "cameraId": camera_id, **kw, "mode": "v", "type": "c", "url": None,
            "showMargin": True, "showMenu": True, "keepRatio": True, "alignment": 0}


def all_camera() -> dict:
    """The document's creation example, with this node's cameras (1..3, one stream each)."""
    return {"group": {"name": "AllCamera", "rows": 3, "cols": 3, "fullScreen": False, "pushMode": False,
                      "layout": [[0, 0, 1], [0, 0, 2], [3, 4, 5]],
                      "levels": [{"name": "AllCamera 0", "duration": 10, "elements": [
                          element(0, 3, streamId=1), element(1, 2, streamId=1), element(2, 1, quality=1),
                          element(3, 3, streamId=1), element(4, 2, quality=2), element(5, 1, streamId=1)]}]}}


def create(client, body=None, version="v1.2"):
    answer = client.post(f"/api/{version}/groups", json=body or all_camera(), auth=ADMIN)
    assert answer.status_code == 201, answer.text
    return answer


def test_create_answers_201_with_location_and_the_group(client):
    answer = create(client)
    gid = answer.json()["group"]["id"]
    assert answer.headers["location"] == f"/api/v1.2/groups/{gid}"
    assert answer.json() == {"group": {"id": gid, "name": "AllCamera", "rows": 3, "cols": 3, "fullScreen": False,
                                       "stayOnTop": False, "displayCode": None, "pushMode": False}}
    second = create(client, version="v1").json()["group"]["id"]
    assert second == gid + 1


def test_retrieve_and_list_give_the_whole_mosaic_under_both_prefixes(client):
    gid = create(client).json()["group"]["id"]
    got = client.get(f"/api/v1/groups/{gid}", auth=ADMIN).json()
    expected = copy.deepcopy(all_camera()["group"])
    for e in expected["levels"][0]["elements"]:
        e.setdefault("streamId", None)
        e.setdefault("quality", None)
    expected |= {"id": gid, "stayOnTop": False, "displayCode": None, "defaultLevelDuration": None, "comments": None,
                 "href": f"/api/v1/groups/{gid}"}
    assert got == expected
    assert client.get(f"/api/v1.2/groups/{gid}", auth=ADMIN).json()["href"] == f"/api/v1.2/groups/{gid}"
    listed = client.get("/api/v1/groups", auth=ADMIN).json()
    assert listed == {"groups": [got]}


def test_in_depth_modification_replaces_what_it_gives(client):
    gid = create(client).json()["group"]["id"]
    body = {"group": {"name": "AllCameraBis", "pushMode": True, "displayCode": 201,
                      "layout": [[0, 0, 1], [0, 0, 2], [3, 4, 5]],
                      "levels": [{"name": "AllCamera 0", "duration": 10, "elements": [
                          element(0, 1, quality=2), element(1, 2, streamId=1),
                          element(5, 3, quality=1, streamId=1)]}]}}
    answer = client.put(f"/api/v1.2/groups/{gid}", json=body, auth=ADMIN)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-location"] == f"/api/v1.2/groups/{gid}"
    assert answer.json() == {"group": {"id": gid, "name": "AllCameraBis", "rows": 3, "cols": 3, "fullScreen": False,
                                       "stayOnTop": False, "displayCode": 201, "pushMode": True}}
    got = client.get(f"/api/v1.2/groups/{gid}", auth=ADMIN).json()
    assert [e["position"] for e in got["levels"][0]["elements"]] == [0, 1, 5]
    assert got["levels"][0]["elements"][2] == element(5, 3, quality=1, streamId=1)
    relaid = {"group": {"layout": [[0, 1]], "levels": [{"name": "two", "elements": [element(1, 2, quality=1)]}]}}
    assert client.put(f"/api/v1/groups/{gid}", json=relaid, auth=ADMIN).json()["group"] == \
        {"id": gid, "name": "AllCameraBis", "rows": 1, "cols": 2, "fullScreen": False, "stayOnTop": False,
         "displayCode": 201, "pushMode": True}


CYCLE = """{
  "levels": [
      {
          "name": "AllCamera 0",
          "duration": 10,
          "elements": [
              {
                  "position": 0,
                  "serverId": 0,
                  "cameraId": 2,
                  "streamId": 1,
              },
              {
                  "position": 4,
                  "serverId": 0,
                  "cameraId": 1,
                  "streamId": 1,
              }
          ]
      },
      {"name": "second", "elements": []}
  ]
}"""


def test_cycle_modification_as_in_the_document_keeps_display_attributes(client):
    body = all_camera()
    body["group"]["levels"][0]["elements"][0]["showMenu"] = False
    gid = create(client, body).json()["group"]["id"]
    answer = client.put(f"/api/v1.2/groups/{gid}", content=CYCLE, auth=ADMIN,
                        headers={"Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-location"] == f"/api/v1.2/groups/{gid}"
    levels = client.get(f"/api/v1.2/groups/{gid}", auth=ADMIN).json()["levels"]
    assert [lv["name"] for lv in levels] == ["AllCamera 0", "second"] and levels[1]["elements"] == []
    first, fifth = levels[0]["elements"]
    assert first == element(0, 2, streamId=1, quality=None) | {"showMenu": False}
    assert fifth == element(4, 1, streamId=1, quality=None)
    bad = client.put(f"/api/v1.2/groups/{gid}", json={"levels": [{"name": "x", "elements": [{"position": 0}]}]},
                     auth=ADMIN)
    assert bad.status_code == 400 and "cameraId" in bad.json()["error"]          # mandatory in a cycle


def test_rights_filter_consultation_and_guard_changes(client, node):
    shown, hidden = (create(client).json()["group"]["id"] for _ in range(2))
    carl = (CONSULT, {"Accept-Language": "fr"})
    assert client.get("/api/v1.2/groups", auth=CONSULT).json() == {"groups": []}
    node.users.grant_object(CONSULT[0], "mosaic", shown, {"view"})
    listed = client.get("/api/v1.2/groups", auth=CONSULT).json()["groups"]
    assert [g["id"] for g in listed] == [shown]
    assert {e["cameraId"] for e in listed[0]["levels"][0]["elements"]} == {1}     # carl may view camera 1 only
    forbidden = client.get(f"/api/v1.2/groups/{hidden}", auth=carl[0], headers=carl[1])
    assert (forbidden.status_code, forbidden.json()) == (403, {"error": f"Vous n'avez pas de droits sur la "
                                                                        f"mosaïque {hidden}"})
    assert client.get("/api/v1.2/groups/999", auth=CONSULT).status_code == 404
    assert client.get("/api/v1.2/groups/abc", auth=CONSULT).status_code == 404
    assert client.post("/api/v1.2/groups", json=all_camera(), auth=CONSULT).status_code == 403
    cycle = {"levels": [{"name": "x", "elements": [{"position": 0, "cameraId": 1, "quality": 1}]}]}
    assert client.put(f"/api/v1.2/groups/{shown}", json=cycle, auth=CONSULT).status_code == 403
    assert client.get(f"/api/v1.2/groups/{shown}/override?position=0", auth=CONSULT).status_code == 403
    node.users.grant_object(CONSULT[0], "mosaic", shown, {"view", "edit"})
    assert client.put(f"/api/v1.2/groups/{shown}", json=cycle, auth=CONSULT).status_code == 200
    assert client.delete(f"/api/v1.2/groups/{shown}", auth=CONSULT).status_code == 403
    assert client.get("/api/v1.2/groups", auth=(CONSULT[0], "wrong")).status_code == 401


def bad_level(*elements) -> dict:
    body = all_camera()
    body["group"]["levels"] = [{"name": "L", "elements": list(elements)}]
    return body


def changed(**group) -> dict:
    body = all_camera()
    body["group"] |= group
    return body


@pytest.mark.parametrize(("body", "key_text"), [
    (changed(layout=[[0, 0, 1], [0, 2, 2], [3, 4, 5]]), "not a rectangle"),
    (changed(layout=[[0, 1, 2], [3, 4, 5], [6, 7, 9]]), "numbered from 0"),
    (changed(layout=[[0, 1, 2], [3, 4, 5]]), "3 rows of 3 positions"),
    (changed(rows=11), "'rows'"),
    (changed(name=""), "'name'"),
    (changed(levels=[]), "'levels'"),
    ({"group": {"name": "x", "rows": 1, "cols": 1, "layout": [[0]]}}, "'levels'"),
    (bad_level(element(6, 1, quality=1)), "Position 6 is not a cell"),
    (bad_level(element(0, 1, quality=1), element(0, 2, quality=1)), "position 0 twice"),
    (bad_level(element(0, 1)), "streamId or quality"),
    (bad_level(element(0, 1, quality=4)), "quality"),
    (bad_level(element(0, 99, quality=1)), "Camera 99 does not exist"),
    (bad_level(element(0, 1, streamId=5)), "no stream 5"),
    (bad_level(element(0, 1, quality=1) | {"type": "x"}), "'levels.0.elements.0.type'"),
    (bad_level(element(0, 1, quality=1) | {"mode": "z"}), "mode"),
    (bad_level({"position": 0, "type": "w"}), "needs a url"),
    (bad_level({"position": 0, "type": "c", "quality": 1}), "needs a cameraId"),
    (bad_level(element(0, 1, quality=1) | {"serverId": 3}), "server 3"),
    (changed(displayCode=-1), "displayCode"),
])
def test_invalid_mosaics_are_400_naming_the_problem(client, body, key_text):
    answer = client.post("/api/v1.2/groups", json=body, auth=ADMIN)
    assert answer.status_code == 400, answer.text
    assert key_text in answer.json()["error"]
    assert client.get("/api/v1.2/groups", auth=ADMIN).json() == {"groups": []}


def test_errors_are_translated_and_bodies_must_be_json(client):
    answer = client.post("/api/v1.2/groups", json=changed(layout=[[0, 0, 1], [0, 2, 2], [3, 4, 5]]), auth=ADMIN,
                         headers={"Accept-Language": "de"})
    assert answer.json() == {"error": "Zelle 0 des Layouts ist kein Rechteck"}
    assert client.post("/api/v1.2/groups", content=b"{nope", auth=ADMIN).status_code == 400
    assert client.post("/api/v1.2/groups", json=[1], auth=ADMIN).status_code == 400


def test_display_codes_are_unique(client):
    first = create(client, changed(displayCode=201)).json()["group"]["id"]
    taken = client.post("/api/v1.2/groups", json=changed(displayCode=201), auth=ADMIN)
    assert taken.status_code == 409 and "201" in taken.json()["error"]
    other = create(client, changed(displayCode=202)).json()["group"]["id"]
    assert client.put(f"/api/v1.2/groups/{other}", json={"group": {"displayCode": 201}}, auth=ADMIN).status_code == 409
    assert client.put(f"/api/v1.2/groups/{first}", json={"group": {"displayCode": 201}}, auth=ADMIN).status_code == 200
    assert client.put("/api/v1.2/groups/999", json={"group": {"name": "x"}}, auth=ADMIN).status_code == 404


def test_override_changes_what_the_mosaic_shows(client, node):
    gid = create(client).json()["group"]["id"]
    assert node.mosaics.current_cameras(gid) == [3, 2, 1, 3, 2, 1]
    answer = client.get(f"/api/v1.2/groups/{gid}/override?position=0&cameraId=1&streamId=1&duration=20", auth=ADMIN)
    assert answer.status_code == 204 and answer.content == b""
    assert answer.headers["content-type"].startswith("text/html")
    assert node.mosaics.current_cameras(gid) == [1, 2, 1, 3, 2, 1]
    assert client.get(f"/api/v1/groups/{gid}/override?position=0", auth=ADMIN).status_code == 204
    assert node.mosaics.current_cameras(gid) == [3, 2, 1, 3, 2, 1]
    for query, status in [("position=6&cameraId=1&streamId=1", 400), ("cameraId=1&streamId=1", 400),
                          ("position=x", 400), ("position=0&cameraId=1", 400), ("position=0&cameraId=9&streamId=1", 400),
                          ("position=0&cameraId=1&streamId=1&duration=0", 400)]:
        answer = client.get(f"/api/v1.2/groups/{gid}/override?{query}", auth=ADMIN)
        assert answer.status_code == status and answer.json()["error"], query
    assert client.get("/api/v1.2/groups/999/override?position=0", auth=ADMIN).status_code == 404


def test_admin_delete_extension(client, node):
    gid = create(client).json()["group"]["id"]
    node.users.grant_object(CONSULT[0], "mosaic", gid, {"view"})
    assert client.delete(f"/api/v1/groups/{gid}", auth=ADMIN).status_code == 204
    assert client.get(f"/api/v1.2/groups/{gid}", auth=ADMIN).status_code == 404
    assert client.delete(f"/api/v1.2/groups/{gid}", auth=ADMIN).status_code == 404
    assert node.users.authenticate_password(*CONSULT).objects == {}
