"""CamTrace maps: the documented examples (list, detail, items, create 201, update 200, delete 204),
the version counter, what an update keeps and replaces, faithful round trips (properties, presets,
data URLs), the licence's `maps` module, and unknown maps."""

import json
import uuid

from camvault.core.ptz import Preset, PtzPosition
from camvault.services.monitoring import hardware_id
from tests.api.conftest import ADMIN, CONSULT
from tests.support.maps import (
    BASE,
    b64,
    background,
    camera,
    create,
    element,
    png,
    preset,
)

DOC_ITEMS = [camera(1), element("command", "1")]
"""The document's create example (its camera 5 is camvault's camera 1 here)."""


def detail(client, uuid_, auth=ADMIN) -> dict:
    response = client.get(f"{BASE}/{uuid_}", auth=auth)
    assert response.status_code == 200, response.text
    return response.json()["map"]


def test_documented_create_list_detail_items_update_delete(client):
    image = png(64, 40)
    created = client.post(BASE, json={"map": {"name": "Batiment 2", "items": DOC_ITEMS,
                                              "backgrounds": [background(image)]}}, auth=ADMIN)
    assert created.status_code == 201
    body = created.json()["map"]
    key = body["uuid"]
    assert uuid.UUID(key).version == 4 and str(uuid.UUID(key)) == key
    assert list(body) == ["uuid", "version", "name", "detailUrl"]
    assert body == {"uuid": key, "version": 1, "name": "Batiment 2", "detailUrl": f"{BASE}/{key}"}
    assert created.headers["location"] == f"{BASE}/{key}"

    listed = client.get(BASE, auth=ADMIN)
    assert listed.status_code == 200
    assert listed.json() == {"maps": [{"uuid": key, "name": "Batiment 2", "version": 1, "detailUrl": f"{BASE}/{key}"}]}

    shown = detail(client, key)
    assert list(shown) == ["uuid", "name", "version", "scale", "items", "backgrounds"]
    assert shown == {"uuid": key, "name": "Batiment 2", "version": 1, "scale": 1, "items": DOC_ITEMS,
                     "backgrounds": [{"posX": 20, "posY": 19, "image": b64(image), "width": 1280, "height": 770,
                                      "zIndex": 0}]}
    assert list(shown["items"][0]) == ["posX", "posY", "type", "width", "height", "zIndex", "properties"]
    assert list(shown["backgrounds"][0]) == ["posX", "posY", "image", "width", "height", "zIndex"]
    items = client.get(f"{BASE}/{key}/items", auth=ADMIN)
    assert items.status_code == 200 and items.json() == {"items": DOC_ITEMS}

    new_items = [camera(1), camera(2, x=888, y=412, direction=256),
                 {**element("command", "1"), "width": 60, "height": 60}]
    updated = client.put(f"{BASE}/{key}", json={"map": {"name": "Batiment 2", "scale": 1.2, "items": new_items,
                                                        "backgrounds": [background(image)]}}, auth=ADMIN)
    assert updated.status_code == 200
    assert updated.json() == {"map": {"uuid": key, "version": 2, "name": "Batiment 2", "detailUrl": f"{BASE}/{key}"}}
    assert updated.headers["content-location"] == f"{BASE}/{key}"
    shown = detail(client, key)
    assert shown["scale"] == 1.2 and shown["version"] == 2 and shown["items"] == new_items

    deleted = client.delete(f"{BASE}/{key}", auth=ADMIN)
    assert deleted.status_code == 204 and deleted.content == b""
    assert deleted.headers["content-type"].startswith("text/html")
    assert client.get(f"{BASE}/{key}", auth=ADMIN).status_code == 404
    assert client.get(f"{BASE}/{key}/items", auth=ADMIN).status_code == 404
    assert client.delete(f"{BASE}/{key}", auth=ADMIN).status_code == 404
    assert client.get(BASE, auth=ADMIN).json() == {"maps": []}


def test_list_is_in_creation_order_with_current_versions(client):
    parking = create(client, "Parking")
    entree = create(client, "Entrée")
    for _ in range(3):
        assert client.put(f"{BASE}/{parking['uuid']}", json={"map": {"name": "Parking"}}, auth=ADMIN).status_code == 200
    listed = client.get(BASE, auth=ADMIN).json()["maps"]
    assert [(m["name"], m["version"]) for m in listed] == [("Parking", 4), ("Entrée", 1)]
    assert listed[1]["uuid"] == entree["uuid"]


def test_every_update_increments_the_version_and_absent_attributes_are_kept(client):
    first, second = png(10, 10), png(20, 10, (0, 0, 255))
    key = create(client, "Hall", items=[camera(1)], backgrounds=[background(first)])["uuid"]
    put = lambda m: client.put(f"{BASE}/{key}", json={"map": m}, auth=ADMIN)

    assert put({"name": "Hall B", "scale": 0.5}).json()["map"]["version"] == 2
    shown = detail(client, key)
    assert (shown["name"], shown["scale"], shown["items"]) == ("Hall B", 0.5, [camera(1)])
    assert shown["backgrounds"][0]["image"] == b64(first)

    assert put({"name": "Hall B", "backgrounds": [background(second), background(first, x=5)]}).status_code == 200
    shown = detail(client, key)
    assert shown["version"] == 3 and shown["scale"] == 0.5 and shown["items"] == [camera(1)]
    assert [(b["image"], b["posX"]) for b in shown["backgrounds"]] == [(b64(second), 20), (b64(first), 5)]

    assert put({"name": "Hall B", "items": [element("screen", 1)]}).json()["map"]["version"] == 4
    shown = detail(client, key)
    assert shown["items"] == [element("screen", 1)] and len(shown["backgrounds"]) == 2

    assert put({"name": "Hall B", "items": [], "backgrounds": []}).json()["map"]["version"] == 5
    assert detail(client, key) == {"uuid": key, "name": "Hall B", "version": 5, "scale": 0.5, "items": [],
                                   "backgrounds": []}
    assert put({"name": "Hall B"}).json()["map"]["version"] == 6       # even when nothing changes


def test_content_round_trips_faithfully(client, node):
    node.store.ptz.put_preset(Preset(1, "gate", "Gate", PtzPosition()))
    node.store.ptz.put_preset(Preset(1, "7", "Door", PtzPosition(0.5, 0, 0)))
    cam = camera(1, presets=[preset("gate"), preset(7)], label="Entrance")
    cam["properties"]["items"][1]["properties"]["id"] = 7          # numbers and texts are both ids
    plain = camera(2)
    plain["properties"]["items"] = []                               # an empty list stays a list
    other = create(client, "Other")["uuid"]
    data_url = "data:image/png;base64," + b64(png())
    items = [cam, plain, {**element("group", 3), "zIndex": 1.5}, element("map", other.upper()),
             element("command", "2"), element("screen", 4)]
    key = create(client, "Site", items=items, backgrounds=[background(data_url)])["uuid"]
    shown = detail(client, key)
    expected = json.loads(json.dumps(items))
    expected[3]["properties"]["id"] = other.upper()                 # properties are kept as sent
    assert shown["items"] == expected
    assert shown["backgrounds"][0]["image"] == data_url


def test_fractional_positions_are_rounded_to_pixels(client):
    item = {**camera(1), "posX": 10.4, "posY": 10.6, "width": 39.5}
    key = create(client, items=[item], backgrounds=[{**background(), "posX": -3.2}])["uuid"]
    shown = detail(client, key)
    assert (shown["items"][0]["posX"], shown["items"][0]["posY"], shown["items"][0]["width"]) == (10, 11, 40)
    assert shown["backgrounds"][0]["posX"] == -3


def test_unknown_and_malformed_uuids_are_404(client):
    for key in (str(uuid.uuid4()), "not-a-uuid", "12"):
        for method, path in (("GET", f"{BASE}/{key}"), ("GET", f"{BASE}/{key}/items"), ("DELETE", f"{BASE}/{key}")):
            response = client.request(method, path, auth=ADMIN)
            assert response.status_code == 404 and "error" in response.json(), (method, path)
        response = client.put(f"{BASE}/{key}", json={"map": {"name": "x"}}, auth=ADMIN)
        assert response.status_code == 404
    missing = str(uuid.uuid4())
    fr = client.get(f"{BASE}/{missing}", auth=ADMIN, headers={"Accept-Language": "fr"})
    assert fr.json() == {"error": f"Plan {missing} introuvable"}


def test_uuids_are_matched_in_any_case(client):
    key = create(client, "Case")["uuid"]
    assert detail(client, key.upper())["uuid"] == key
    assert client.put(f"{BASE}/{key.upper()}", json={"map": {"name": "Case"}}, auth=ADMIN).status_code == 200


def test_bare_object_bodies_are_accepted(client):
    response = client.post(BASE, json={"name": "Bare", "items": [], "backgrounds": []}, auth=ADMIN)
    assert response.status_code == 201 and response.json()["map"]["name"] == "Bare"


def _set_modules(client, modules):
    licence = client.get("/api/v1.2/license", auth=ADMIN).json()["license"]
    stored = {k: v for k, v in licence.items()
              if k not in ("license_valid", "current_video_sources", "current_metadata_sources")}
    stored.update(active_modules=modules, hardware_id=hardware_id())
    assert client.post("/api/v1.2/license", json={"license": json.dumps(stored)}, auth=ADMIN).status_code == 201


def test_maps_need_the_maps_module_of_the_licence(client):
    key = create(client, "Licensed")["uuid"]
    _set_modules(client, ["api", "record"])
    calls = [("GET", BASE, None), ("GET", f"{BASE}/{key}", None), ("GET", f"{BASE}/{key}/items", None),
             ("POST", BASE, {"map": {"name": "x", "items": [], "backgrounds": []}}),
             ("PUT", f"{BASE}/{key}", {"map": {"name": "x"}}), ("DELETE", f"{BASE}/{key}", None)]
    for method, path, body in calls:
        for auth in (ADMIN, CONSULT):
            response = client.request(method, path, json=body, auth=auth)
            assert response.status_code == 403, (method, path, response.text)
            assert response.json() == {"error": "This server is not licensed for maps"}
    de = client.get(BASE, auth=ADMIN, headers={"Accept-Language": "de"})
    assert de.json() == {"error": "Dieser Server ist nicht für Pläne lizenziert"}
    _set_modules(client, ["api", "maps"])
    assert detail(client, key)["version"] == 1


def test_authentication_is_required(client):
    assert client.get(BASE).status_code == 401
    assert client.post(BASE, json={"map": {"name": "x", "items": [], "backgrounds": []}}).status_code == 401
