"""The metadata connector ("devices") Admin extension on a real node: create, list, get, partial
update, delete (with its events and users' rights), camera links, rights and refusals, and the
licence's metadata source count and limit."""

from __future__ import annotations

import json

from camvault.core.metadata_events import is_v4_uuid
from tests.api.conftest import ADMIN, CONSULT
from tests.support.metadata import CONSULTER, DOC_UUID, INSERTER, event, grant_users, inserted, make_connector

DEVICES = "/api/v1.2/devices"
OTHER_UUID = "5c7d2a10-1e2f-4a3b-8c4d-5e6f7a8b9c0d"


def test_create_get_and_list(client):
    created = client.post(DEVICES, json={"device": {"uuid": DOC_UUID.upper(), "name": " Doors ", "cameraIds": [3, 1, 3],
                                                    "eventTypes": ["accesscontrol.accessgranted"]}}, auth=ADMIN)
    assert created.status_code == 201
    assert created.headers["location"] == f"{DEVICES}/{DOC_UUID}"
    device = {"uuid": DOC_UUID, "name": "Doors", "cameraIds": [1, 3], "eventTypes": ["accesscontrol.accessgranted"],
              "alarmTypes": None}
    assert created.json() == {"device": device}
    assert client.get(f"{DEVICES}/{DOC_UUID}", auth=ADMIN).json() == {"device": device}
    bare = client.post(DEVICES, json={"name": "Analytics"}, auth=ADMIN).json()["device"]
    assert is_v4_uuid(bare["uuid"]) and bare == {"uuid": bare["uuid"], "name": "Analytics", "cameraIds": [],
                                                 "eventTypes": None, "alarmTypes": None}
    assert [d["name"] for d in client.get(DEVICES, auth=ADMIN).json()["devices"]] == ["Analytics", "Doors"]


def test_refused_bodies(client):
    make_connector(client)
    cases = [
        ({"uuid": OTHER_UUID}, 400, "needs a name"),
        ({"name": "  "}, 400, "printable characters"),
        ({"name": "a\nb"}, 400, "printable characters"),
        ({"name": "x" * 201}, 400, "printable characters"),
        ({"name": "x", "uuid": "not-a-uuid"}, 400, "must be a UUID"),
        ({"name": "x", "cameraIds": [1, 99]}, 400, "Unknown camera(s): 99"),
        ({"name": "x", "cameraIds": ["1"]}, 400, "cameraIds"),
        ({"name": "x", "eventTypes": ["lpr.car"]}, 400, "Unknown event type"),
        ({"name": "x", "alarmTypes": ["lpr.car"]}, 400, "Unknown event type"),
        ({"name": "x", "colour": "red"}, 400, "colour"),
        ({"name": "x", "uuid": DOC_UUID}, 409, "already exists"),
    ]
    for body, status, fragment in cases:
        response = client.post(DEVICES, json={"device": body}, auth=ADMIN)
        assert response.status_code == status, body
        assert fragment in response.json()["error"], (body, response.text)
    assert len(client.get(DEVICES, auth=ADMIN).json()["devices"]) == 1


def test_partial_update(client):
    make_connector(client, cameraIds=[1], eventTypes=["lpr.vehicle"], alarmTypes=["lpr.vehicle"])
    url = f"{DEVICES}/{DOC_UUID}"
    renamed = client.put(url, json={"device": {"name": "Gate"}}, auth=ADMIN)
    assert renamed.status_code == 200
    assert renamed.json()["device"] == {"uuid": DOC_UUID, "name": "Gate", "cameraIds": [1],
                                        "eventTypes": ["lpr.vehicle"], "alarmTypes": ["lpr.vehicle"]}
    changed = client.put(url, json={"cameraIds": [2, 3], "eventTypes": None, "uuid": DOC_UUID}, auth=ADMIN).json()
    assert changed["device"] == {"uuid": DOC_UUID, "name": "Gate", "cameraIds": [2, 3], "eventTypes": None,
                                 "alarmTypes": ["lpr.vehicle"]}
    assert client.get(url, auth=ADMIN).json() == changed
    assert client.put(url, json={"name": None}, auth=ADMIN).status_code == 400
    assert client.put(url, json={"cameraIds": [7]}, auth=ADMIN).status_code == 400
    assert client.get(url, auth=ADMIN).json() == changed
    assert client.put(f"{DEVICES}/{OTHER_UUID}", json={"name": "x"}, auth=ADMIN).status_code == 404


def test_rights(client, node):
    make_connector(client)
    make_connector(client, OTHER_UUID, name="Other")
    grant_users(node)
    for auth in (INSERTER, CONSULTER):
        assert [d["uuid"] for d in client.get(DEVICES, auth=auth).json()["devices"]] == [DOC_UUID]
        assert client.get(f"{DEVICES}/{DOC_UUID}", auth=auth).status_code == 200
        assert client.get(f"{DEVICES}/{OTHER_UUID}", auth=auth).status_code == 403
    assert client.get(DEVICES, auth=CONSULT).json() == {"devices": []}
    assert client.get(f"{DEVICES}/{DOC_UUID}", auth=CONSULT).status_code == 403
    for auth in (INSERTER, CONSULTER, CONSULT):
        assert client.post(DEVICES, json={"name": "x"}, auth=auth).status_code == 403
        assert client.put(f"{DEVICES}/{DOC_UUID}", json={"name": "x"}, auth=auth).status_code == 403
        assert client.delete(f"{DEVICES}/{DOC_UUID}", auth=auth).status_code == 403
    assert client.get(f"{DEVICES}/{DOC_UUID}", auth=ADMIN).json()["device"]["name"] == "Access control"
    assert client.get(DEVICES).status_code == 401
    assert client.get(f"{DEVICES}/0b7c9a52-8f0c-4c43-9a4e-2f1e5d7a6b10", auth=ADMIN).status_code == 404
    assert client.get(f"{DEVICES}/nope", auth=ADMIN).status_code == 404


def test_delete_drops_events_and_rights(client, node):
    make_connector(client)
    grant_users(node)
    inserted(client, event())
    assert node.users.get(node.store.users.get_by_name(INSERTER[0]).id).objects
    assert client.delete(f"{DEVICES}/{DOC_UUID}", auth=ADMIN).status_code == 204
    assert client.get(f"{DEVICES}/{DOC_UUID}", auth=ADMIN).status_code == 404
    assert client.delete(f"{DEVICES}/{DOC_UUID}", auth=ADMIN).status_code == 404
    assert node.store.users.get_by_name(INSERTER[0]).objects == {}
    make_connector(client)                                   # the same uuid again: no right carried over
    body = {"event": event()}
    assert client.post(f"{DEVICES}/{DOC_UUID}/events", json=body, auth=INSERTER).status_code == 403
    found = client.post(f"{DEVICES}/{DOC_UUID}/proxy/events/search", json={}, auth=ADMIN).json()
    assert found == {"events": []}


def test_deleted_camera_leaves_the_connector(client):
    camera = client.post("/api/v1.2/cameras", json={"name": "Gate", "source": "synthetic://", "isIgnored": True},
                         auth=ADMIN).json()
    make_connector(client, cameraIds=[1, camera["id"]])
    assert client.delete(f"/api/v1.2/cameras/{camera['id']}", auth=ADMIN).status_code == 204
    assert client.get(f"{DEVICES}/{DOC_UUID}", auth=ADMIN).json()["device"]["cameraIds"] == [1]


def test_licence_counts_and_limits_metadata_sources(client):
    make_connector(client)
    licence = client.get("/api/v1.2/license", auth=ADMIN).json()["license"]
    assert licence["current_metadata_sources"] == 1
    stored = {k: v for k, v in licence.items() if k not in ("license_valid", "current_video_sources",
                                                             "current_metadata_sources")}
    stored.update(max_metadata_sources=2)
    assert client.post("/api/v1.2/license", json={"license": json.dumps(stored)}, auth=ADMIN).status_code == 201
    make_connector(client, OTHER_UUID, name="Second")
    refused = client.post(DEVICES, json={"name": "Third"}, auth=ADMIN)
    assert refused.status_code == 403 and "2 metadata sources" in refused.json()["error"]
    assert client.get("/api/v1.2/license", auth=ADMIN).json()["license"]["current_metadata_sources"] == 2
