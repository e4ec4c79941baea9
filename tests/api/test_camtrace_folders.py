"""CamTrace folders over the real node: the document's examples (list, detail, create, update,
weights, delete), the `details` list, what a consult user sees, camera names ordered by the folder's
sort criterion, every validation error, and references that outlive their object."""

import pytest

from tests.api.conftest import ADMIN, CONSULT

URL = "/api/v1.2/folders"
DOC_PATTERN = "([-]*)-([^-]*)-([^-]*)-([^_]*)_([^_]*)_([^ ]*) ([^_]*)"
MAP1 = "cc34693f-1e02-336f-34ac-3367d67c31fd"
MAP2 = "ab34693c-9e02-556f-34aa-3467d67c88ec"
DEVICE = "5f20a627-c915-42be-895e-865101763dc0"


def criterion(client, name, group, pattern=DOC_PATTERN, default=None):
    body = {"name": name, "params": {"value": pattern, "group": group}}
    if default is not None:
        body["default"] = default
    response = client.post("/api/v1.2/regex", json={"regex": body}, auth=ADMIN)
    assert response.status_code == 201, response.text
    return response.json()["regex"]["id"]


def create(client, name, items, **extra):
    response = client.post(URL, json={"folder": {"name": name, "items": items, **extra}}, auth=ADMIN)
    assert response.status_code == 201, response.text
    return response.json()["folder"]["uuid"]


def detail(client, uuid, auth=ADMIN):
    response = client.get(f"{URL}/{uuid}", auth=auth)
    assert response.status_code == 200, response.text
    return response.json()["folder"]


def listed(client, auth=ADMIN, **params):
    response = client.get(URL, params=params, auth=auth)
    assert response.status_code == 200, response.text
    return response.json()["folders"]


def camera(client, name):
    body = {"camera": {"name": name, "source": "synthetic://?width=160&height=90&fps=5", "isIgnored": True}}
    response = client.post("/api/v1.2/cameras", json=body, auth=ADMIN)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def preset(client, camera_id, preset_id):
    response = client.put(f"/api/v1.2/cameras/{camera_id}/ptz/presets/{preset_id}", auth=ADMIN)
    assert response.status_code in (200, 201), response.text


def camera_ids(items):
    out = []
    for item in items:
        if item["type"] == "camera":
            out.append(item["id"])
        out.extend(camera_ids(item.get("items", [])) if item["type"] == "folder" else [])
    return out


# --- the document's examples -----------------------------------------------------------------------
DOC_GET_ITEMS = [
    {"serverId": 0, "type": "map", "uuid": MAP1, "weight": -25},
    {"type": "folder", "name": "folder1", "weight": -12, "items": [
        {"serverId": 0, "type": "camera", "id": 1, "weight": 0},
        {"serverId": 0, "type": "map", "uuid": MAP2, "weight": 0}]},
    {"name": "folder2", "type": "folder", "weight": 3, "items": [
        {"serverId": 0, "type": "camera", "id": 1, "weight": 1},
        {"serverId": 0, "type": "group", "id": 1, "weight": 2},
        {"type": "folder", "name": "folder21", "weight": 3, "items": []}]},
]


def test_documented_detail(client):
    assert criterion(client, "critères 1", [6, 7]) == 1
    uuid = create(client, "Sélection 1", DOC_GET_ITEMS, regexId=1)
    assert client.get(f"{URL}/{uuid}", auth=ADMIN).json() == {"folder": {
        "uuid": uuid, "name": "Sélection 1",
        "regex": {"id": 1, "name": "critères 1", "params": {"value": DOC_PATTERN, "group": [6, 7]}},
        "items": DOC_GET_ITEMS}}
    assert detail(client, uuid.upper())["uuid"] == uuid


DOC_POST = {"folder": {"name": "Sélection 3", "regexId": 1, "items": [
    {"type": "map", "uuid": MAP1},
    {"type": "folder", "name": "folder1", "weight": -50, "items": [
        {"serverId": 1, "type": "camera", "id": 1},
        {"type": "map", "uuid": MAP2, "weight": 10},
        {"type": "group", "id": 2}]}]}}

DOC_PUT = {"folder": {"regexId": 2, "items": [
    {"type": "map", "uuid": MAP1},
    {"type": "folder", "name": "folder1", "weight": -50, "items": [
        {"serverId": 1, "type": "camera", "id": 1},
        {"type": "map", "uuid": MAP2, "weight": 10},
        {"type": "group", "id": 2}]},
    {"type": "folder", "name": "folder2", "weight": -60, "items": []}]}}


def test_documented_create_update_and_delete(client):
    criterion(client, "Critères 1", [6, 7])
    criterion(client, "Critères 2", [2, 1])
    created = client.post(URL, json=DOC_POST, auth=ADMIN)
    assert created.status_code == 201
    uuid = created.json()["folder"]["uuid"]
    assert created.json() == {"folder": {"uuid": uuid, "name": "Sélection 3", "detailUrl": f"{URL}/{uuid}"}}
    assert created.headers["location"] == f"{URL}/{uuid}"
    folder1 = {"type": "folder", "name": "folder1", "weight": -50, "items": [
        {"serverId": 1, "type": "camera", "id": 1, "weight": 0},     # another server: stored, not checked
        {"serverId": 0, "type": "group", "id": 2, "weight": 0},
        {"serverId": 0, "type": "map", "uuid": MAP2, "weight": 10}]}
    got = detail(client, uuid)
    assert got["regex"]["id"] == 1
    assert got["items"] == [folder1, {"serverId": 0, "type": "map", "uuid": MAP1, "weight": 0}]

    updated = client.put(f"{URL}/{uuid}", json=DOC_PUT, auth=ADMIN)
    assert updated.status_code == 200
    assert updated.json() == {"folder": {"uuid": uuid, "name": "Sélection 3", "detailUrl": f"{URL}/{uuid}"}}
    got = detail(client, uuid)
    assert got["name"] == "Sélection 3" and got["regex"]["id"] == 2
    assert got["items"] == [{"type": "folder", "name": "folder2", "weight": -60, "items": []}, folder1,
                            {"serverId": 0, "type": "map", "uuid": MAP1, "weight": 0}]

    deleted = client.delete(f"{URL}/{uuid}", auth=ADMIN)
    assert deleted.status_code == 204 and deleted.content == b""
    assert client.get(f"{URL}/{uuid}", auth=ADMIN).status_code == 404
    assert client.delete(f"{URL}/{uuid}", auth=ADMIN).status_code == 404
    assert listed(client) == []


def test_documented_list_and_details(client):
    one = create(client, "Sélection 1", [{"type": "camera", "id": 2}])
    two = create(client, "Sélection 2", [])
    assert client.get(URL, auth=ADMIN).json() == {"folders": [
        {"uuid": one, "name": "Sélection 1", "detailUrl": f"{URL}/{one}"},
        {"uuid": two, "name": "Sélection 2", "detailUrl": f"{URL}/{two}"}]}
    assert listed(client, details="false") == listed(client)
    assert listed(client, details="true") == [
        {"uuid": one, "name": "Sélection 1", "detailUrl": f"{URL}/{one}", "regex": None,
         "items": [{"serverId": 0, "type": "camera", "id": 2, "weight": 0}]},
        {"uuid": two, "name": "Sélection 2", "detailUrl": f"{URL}/{two}", "regex": None, "items": []}]
    assert listed(client, auth=CONSULT, details="1")[0]["items"] == []       # camera 2 is not carl's
    bad = client.get(URL, params={"details": "maybe"}, auth=ADMIN)
    assert bad.status_code == 400 and bad.json() == {"error": "'details' must be true or false"}


def test_documented_weights_change_the_list_order(client):
    a, b, c = (create(client, name, []) for name in ("A", "B", "C"))
    assert [f["uuid"] for f in listed(client)] == [a, b, c]
    response = client.patch(URL, json={"folders": [{"uuid": a, "weight": 12}, {"uuid": c, "weight": -3}]},
                            auth=ADMIN)
    assert response.status_code == 204 and response.content == b""
    assert [f["uuid"] for f in listed(client)] == [c, b, a]
    assert client.patch(URL, json=[{"uuid": b, "weight": 20}], auth=ADMIN).status_code == 204   # bare list
    assert [f["uuid"] for f in listed(client)] == [c, a, b]
    # an unknown uuid changes nothing
    missing = client.patch(URL, json={"folders": [{"uuid": a, "weight": 50}, {"uuid": "nope", "weight": 1}]},
                           auth=ADMIN)
    assert missing.status_code == 404 and missing.json() == {"error": "Folder nope not found"}
    assert [f["uuid"] for f in listed(client)] == [c, a, b]
    for body, message in (({"folders": {"uuid": a}}, 'The body must be {"folders": [{"uuid": "...", "weight": 0}, ...]}'),
                          ({"folders": [{"weight": 1}]}, 'The body must be {"folders": [{"uuid": "...", "weight": 0}, ...]}'),
                          ({"folders": [{"uuid": a}]}, "'folders[0].weight' must be an integer"),
                          ({"folders": [{"uuid": a, "weight": "1"}]}, "'folders[0].weight' must be an integer"),
                          ({"folders": [{"uuid": a, "weight": 2**31}]}, "'folders[0].weight' must be an integer")):
        refused = client.patch(URL, json=body, auth=ADMIN)
        assert (refused.status_code, refused.json()) == (400, {"error": message}), body
    assert client.patch(URL, json={"folders": [{"uuid": a, "weight": -9}]}, auth=CONSULT).status_code == 403
    assert [f["uuid"] for f in listed(client)] == [c, a, b]


# --- rights ------------------------------------------------------------------------------------------
def test_a_consult_user_sees_only_what_he_may_view(client, node):
    preset(client, 1, "Porte")
    preset(client, 2, "Quai")
    items = [
        {"type": "camera", "id": 1, "items": [{"type": "preset", "id": "Porte"}]},
        {"type": "camera", "id": 2, "items": [{"type": "preset", "id": "Quai"}]},
        {"type": "camera", "id": 3},
        {"type": "camera", "id": 1, "serverId": 3},
        {"type": "group", "id": 5}, {"type": "group", "id": 6},
        {"type": "map", "uuid": MAP1}, {"type": "map", "uuid": MAP2},
        {"type": "device", "uuid": DEVICE},
        {"type": "screen", "id": 1}, {"type": "command", "id": 2},
        {"type": "folder", "name": "sub", "items": [{"type": "camera", "id": 2}]},
    ]
    uuid = create(client, "Tout", items)
    node.users.grant_object(CONSULT[0], "mosaic", 5, {"view"})
    node.users.grant_object(CONSULT[0], "map", MAP1, {"view"})
    node.users.grant_object(CONSULT[0], "map", MAP2, {"edit"})       # edit without view: hidden
    node.users.grant_object(CONSULT[0], "connector", DEVICE, {"consult"})
    assert len(detail(client, uuid)["items"]) == len(items)
    seen = detail(client, uuid, auth=CONSULT)["items"]
    assert seen == [
        {"serverId": 0, "type": "camera", "id": 1, "weight": 0,
         "items": [{"serverId": 0, "type": "preset", "id": "Porte", "weight": 0}]},
        {"serverId": 0, "type": "group", "id": 5, "weight": 0},
        {"serverId": 0, "type": "map", "uuid": MAP1, "weight": 0},
        {"serverId": 0, "type": "device", "uuid": DEVICE, "weight": 0},
        {"serverId": 0, "type": "screen", "id": 1, "weight": 0},
        {"serverId": 0, "type": "command", "id": 2, "weight": 0},
        {"type": "folder", "name": "sub", "weight": 0, "items": []}]
    assert listed(client, auth=CONSULT, details="true")[0]["items"] == seen
    node.users.grant_object(CONSULT[0], "connector", DEVICE, {"insert"})   # insert is not a view right
    assert {"serverId": 0, "type": "device", "uuid": DEVICE, "weight": 0} not in detail(client, uuid, auth=CONSULT)[
        "items"]


def test_only_admins_change_folders(client):
    uuid = create(client, "F", [])
    body = {"folder": {"name": "G", "items": []}}
    assert client.post(URL, json=body, auth=CONSULT).status_code == 403
    assert client.put(f"{URL}/{uuid}", json=body, auth=CONSULT).status_code == 403
    refused = client.delete(f"{URL}/{uuid}", auth=CONSULT)
    assert refused.status_code == 403 and refused.json() == {"error": "This action requires the Admin profile"}
    assert client.get(URL).status_code == 401 and client.get(f"{URL}/{uuid}").status_code == 401
    assert [f["name"] for f in listed(client, auth=CONSULT)] == ["F"]
    missing = client.get(f"{URL}/00000000-0000-0000-0000-000000000000", auth=CONSULT)
    assert missing.status_code == 404
    assert missing.json() == {"error": "Folder 00000000-0000-0000-0000-000000000000 not found"}
    assert client.put(f"{URL}/nope", json=body, auth=ADMIN).status_code == 404


# --- sort criteria ---------------------------------------------------------------------------------
NAMES = ["PARIS-NORD-B2-HALL_CAM_10 Entree", "PARIS-NORD-B2-HALL_CAM_2 Sortie", "PARIS-NORD-B2-HALL_CAM_2 Entree",
         "LYON-SUD-B1-QUAI_CAM_1 Zone"]


def test_cameras_come_out_in_the_order_of_the_folders_criterion(client):
    ids = dict(zip(NAMES, (camera(client, name) for name in NAMES), strict=True))
    by_number = criterion(client, "numéro puis nom", [6, 7])                  # the first: the default
    by_name = criterion(client, "nom puis numéro", [7, 6])
    cams = [{"type": "camera", "id": i} for i in (1, *ids.values(), 3)]
    uuid = create(client, "Caméras", [*cams, {"type": "folder", "name": "sub", "items": list(reversed(cams))}])
    expected_number = [ids["LYON-SUD-B1-QUAI_CAM_1 Zone"], ids["PARIS-NORD-B2-HALL_CAM_2 Entree"],
                       ids["PARIS-NORD-B2-HALL_CAM_2 Sortie"], ids["PARIS-NORD-B2-HALL_CAM_10 Entree"], 1, 3]
    expected_name = [ids["PARIS-NORD-B2-HALL_CAM_2 Entree"], ids["PARIS-NORD-B2-HALL_CAM_10 Entree"],
                     ids["PARIS-NORD-B2-HALL_CAM_2 Sortie"], ids["LYON-SUD-B1-QUAI_CAM_1 Zone"], 1, 3]
    got = detail(client, uuid)
    assert got["regex"] is None                                              # no criterion of its own
    assert camera_ids(got["items"]) == expected_number * 2                   # the default, in sub-folders too
    assert client.put(f"{URL}/{uuid}", json={"folder": {"regexId": by_name}}, auth=ADMIN).status_code == 200
    got = detail(client, uuid)
    assert got["regex"]["id"] == by_name and camera_ids(got["items"]) == expected_name * 2
    assert client.put(f"{URL}/{uuid}", json={"folder": {"regexId": None}}, auth=ADMIN).status_code == 200
    assert camera_ids(detail(client, uuid)["items"]) == expected_number * 2
    # another default changes the folders that use the default
    client.put(f"/api/v1.2/regex/{by_name}", json={"regex": {"default": True}}, auth=ADMIN)
    assert camera_ids(detail(client, uuid)["items"]) == expected_name * 2
    # deleting a folder's criterion sends it back to the default
    client.put(f"{URL}/{uuid}", json={"folder": {"regexId": by_number}}, auth=ADMIN)
    assert camera_ids(detail(client, uuid)["items"]) == expected_number * 2
    assert client.delete(f"/api/v1.2/regex/{by_number}", auth=ADMIN).status_code == 204
    got = detail(client, uuid)
    assert got["regex"] is None and camera_ids(got["items"]) == expected_name * 2


def test_weights_come_before_the_criterion(client):
    ids = [camera(client, name) for name in NAMES]
    criterion(client, "numéro", [6, 7])
    uuid = create(client, "F", [{"type": "camera", "id": ids[3], "weight": 5}, {"type": "map", "uuid": MAP1},
                                {"type": "camera", "id": ids[0]}, {"type": "camera", "id": ids[1]}])
    items = detail(client, uuid)["items"]
    assert [(i["type"], i.get("id")) for i in items] == [("map", None), ("camera", ids[1]), ("camera", ids[0]),
                                                         ("camera", ids[3])]


def test_without_any_criterion_names_are_in_natural_order(client):
    cam10, cam9 = camera(client, "Cam 10"), camera(client, "cam 9")
    uuid = create(client, "F", [{"type": "camera", "id": i} for i in (cam9, 3, cam10, 1)])
    assert camera_ids(detail(client, uuid)["items"]) == [1, 3, cam9, cam10]     # "Cam 1", "Cam 3", ...


# --- validation --------------------------------------------------------------------------------------
DEEP = {"type": "folder", "name": "leaf", "items": []}
for _ in range(16):
    DEEP = {"type": "folder", "name": "level", "items": [DEEP]}


@pytest.mark.parametrize(("folder", "message"), [
    ({"items": []}, "'name' must be a text of 1 to 200 characters"),
    ({"name": "  ", "items": []}, "'name' must be a text of 1 to 200 characters"),
    ({"name": 5, "items": []}, "'name' must be a text of 1 to 200 characters"),
    ({"name": "F"}, "'items' must be a list (it may be empty)"),
    ({"name": "F", "items": {}}, "'items' must be a list (it may be empty)"),
    ({"name": "F", "items": [1]}, "items[0] must be an object"),
    ({"name": "F", "items": [{"id": 1}]}, "items[0]: 'type' is mandatory"),
    ({"name": "F", "items": [{"type": "shot", "id": 1}]}, "items[0]: unknown element type"),
    ({"name": "F", "items": [{"type": "camera"}]}, "items[0]: 'id' is mandatory"),
    ({"name": "F", "items": [{"type": "camera", "id": "1"}]}, "'items[0].id' must be an integer"),
    ({"name": "F", "items": [{"type": "camera", "id": 1, "weight": 1.5}]}, "'items[0].weight' must be an integer"),
    ({"name": "F", "items": [{"type": "camera", "id": 1, "serverId": "a"}]}, "'items[0].serverId' must be an integer"),
    ({"name": "F", "items": [{"type": "camera", "id": 99}]}, "items[0]: camera 99 does not exist"),
    ({"name": "F", "items": [{"type": "camera", "id": 1, "items": [{"type": "preset", "id": "Nowhere"}]}]},
     "items[0].items[0]: camera 1 has no preset Nowhere"),
    ({"name": "F", "items": [{"type": "camera", "id": 1, "items": [{"type": "preset", "id": ""}]}]},
     "items[0].items[0].id must be a preset id of 1 to 64 characters"),
    ({"name": "F", "items": [{"type": "preset", "id": "Porte"}]}, "items[0]: a preset cannot be inside a folder"),
    ({"name": "F", "items": [{"type": "camera", "id": 1, "items": [{"type": "camera", "id": 2}]}]},
     "items[0].items[0]: a camera cannot be inside a camera"),
    ({"name": "F", "items": [{"type": "map"}]}, "items[0]: 'uuid' is mandatory"),
    ({"name": "F", "items": [{"type": "device", "uuid": "nope"}]}, "items[0].uuid is not a uuid"),
    ({"name": "F", "items": [{"type": "folder", "items": []}]}, "items[0]: 'name' is mandatory"),
    ({"name": "F", "items": [{"type": "folder", "name": "x"}]}, "items[0]: 'items' is mandatory"),
    ({"name": "F", "items": [{"type": "folder", "name": " ", "items": []}]},
     "items[0]: a folder needs a name of 1 to 200 characters"),
    ({"name": "F", "items": [{"type": "folder", "name": "x", "items": [{"type": "camera", "id": 1, "weight": 2**31}]}]},
     "'items[0].items[0].weight' must be an integer"),
    ({"name": "F", "items": [DEEP]}, "A folder holds at most 5000 items, 16 levels deep"),
    ({"name": "F", "items": [], "regexId": 99}, "Sort criterion 99 does not exist"),
    ({"name": "F", "items": [], "regexId": "1"}, "'regexId' must be an integer"),
])
def test_create_errors(client, folder, message):
    preset(client, 1, "Porte")
    response = client.post(URL, json={"folder": folder}, auth=ADMIN)
    assert (response.status_code, response.json()) == (400, {"error": message})
    assert listed(client) == []


def test_update_errors_leave_the_folder_as_it_was(client):
    uuid = create(client, "F", [{"type": "camera", "id": 1}])
    before = detail(client, uuid)
    for folder in ({"name": ""}, {"items": [{"type": "camera", "id": 99}]}, {"regexId": 7}, {"items": None}):
        assert client.put(f"{URL}/{uuid}", json={"folder": folder}, auth=ADMIN).status_code == 400, folder
    assert client.put(f"{URL}/{uuid}", content=b"[", auth=ADMIN).status_code == 400
    assert detail(client, uuid) == before
    renamed = client.put(f"{URL}/{uuid}", json={"name": " G "}, auth=ADMIN)       # a bare object is fine
    assert renamed.json()["folder"]["name"] == "G" and detail(client, uuid)["items"] == before["items"]


def test_errors_are_translated(client):
    response = client.post(URL, json={"folder": {"name": "F", "items": [{"type": "camera", "id": 42}]}},
                           auth=ADMIN, headers={"Accept-Language": "de"})
    assert response.json() == {"error": "items[0]: Kamera 42 existiert nicht"}


# --- references that outlive their object ----------------------------------------------------------
def test_deleted_cameras_and_presets_disappear_from_folders(client):
    gone = camera(client, "Bientôt partie")
    preset(client, 1, "Porte")
    preset(client, 1, "Quai")
    uuid = create(client, "F", [{"type": "camera", "id": gone},
                                {"type": "camera", "id": 1, "items": [{"type": "preset", "id": "Porte"},
                                                                      {"type": "preset", "id": "Quai"}]}])
    assert client.delete(f"/api/v1.2/cameras/{gone}", auth=ADMIN).status_code == 204
    assert client.delete("/api/v1.2/cameras/1/ptz/presets/Quai", auth=ADMIN).status_code == 204
    assert detail(client, uuid)["items"] == [
        {"serverId": 0, "type": "camera", "id": 1, "weight": 0,
         "items": [{"serverId": 0, "type": "preset", "id": "Porte", "weight": 0}]}]
