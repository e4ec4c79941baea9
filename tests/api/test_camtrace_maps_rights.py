"""CamTrace maps and rights: listing and reading need the map's view right (Admin sees all),
changing needs its edit right, creating and deleting need Admin; items the reader may not see
(cameras with their presets, mosaics, linked maps) are left out of both the map and its items;
an editor's update keeps what he cannot see; deleting a map drops the rights on it."""

from camvault.core.ptz import Preset, PtzPosition
from tests.api.conftest import ADMIN, CONSULT
from tests.support.maps import BASE, camera, create, element, preset

CARL = CONSULT[0]             # a consult user who may see camera 1 only


def carl(node):
    return next(u for u in node.users.list() if u.name == CARL)


def test_consult_user_without_the_view_right_sees_no_map(client):
    key = create(client, "Parking")["uuid"]
    assert client.get(BASE, auth=CONSULT).json() == {"maps": []}
    for path in (f"{BASE}/{key}", f"{BASE}/{key}/items"):
        response = client.get(path, auth=CONSULT)
        assert response.status_code == 403
        assert response.json() == {"error": f"You have no view right on map {key}"}
    fr = client.get(f"{BASE}/{key}", auth=CONSULT, headers={"Accept-Language": "fr"})
    assert fr.json() == {"error": f"Vous n'avez pas le droit de voir le plan {key}"}


def test_the_view_right_shows_one_map_and_allows_no_change(client, node):
    parking = create(client, "Parking")["uuid"]
    create(client, "Entrée")
    node.users.grant_object(CARL, "map", parking, {"view"})
    listed = client.get(BASE, auth=CONSULT).json()["maps"]
    assert [m["uuid"] for m in listed] == [parking]
    assert client.get(f"{BASE}/{parking}", auth=CONSULT).json()["map"]["name"] == "Parking"
    assert client.get(f"{BASE}/{parking}/items", auth=CONSULT).json() == {"items": []}
    refused = client.put(f"{BASE}/{parking}", json={"map": {"name": "Mine"}}, auth=CONSULT)
    assert refused.status_code == 403 and refused.json() == {"error": f"You have no edit right on map {parking}"}
    assert client.delete(f"{BASE}/{parking}", auth=CONSULT).status_code == 403
    created = client.post(BASE, json={"map": {"name": "New", "items": [], "backgrounds": []}}, auth=CONSULT)
    assert created.status_code == 403 and created.json() == {"error": "This action requires the Admin profile"}
    assert [m["name"] for m in client.get(BASE, auth=ADMIN).json()["maps"]] == ["Parking", "Entrée"]


def test_the_edit_right_allows_updates(client, node):
    key = create(client, "Parking")["uuid"]
    node.users.grant_object(CARL, "map", key, {"edit"})
    updated = client.put(f"{BASE}/{key}", json={"map": {"name": "Parking Nord", "scale": 2}}, auth=CONSULT)
    assert updated.status_code == 200 and updated.json()["map"]["version"] == 2
    assert client.get(f"{BASE}/{key}", auth=CONSULT).status_code == 403          # edit is not view
    assert client.get(f"{BASE}/{key}", auth=ADMIN).json()["map"]["name"] == "Parking Nord"


def _busy_map(client, node):
    """A map showing every kind of element; carl may see camera 1, mosaic 7 and map `seen`."""
    node.store.ptz.put_preset(Preset(1, "gate", "Gate", PtzPosition()))
    node.store.ptz.put_preset(Preset(2, "dock", "Dock", PtzPosition()))
    seen = create(client, "Seen")["uuid"]
    hidden = create(client, "Hidden")["uuid"]
    items = [camera(1, presets=[preset("gate")]), camera(2, x=888, presets=[preset("dock")]),
             element("group", 7), element("group", "8"), element("command", 1), element("screen", 2),
             element("map", seen), element("map", hidden)]
    key = create(client, "Site", items=items)["uuid"]
    for kind, ref in (("map", key), ("mosaic", 7), ("map", seen)):
        node.users.grant_object(CARL, kind, ref, {"view"})
    return key, items


def test_items_the_reader_may_not_see_are_left_out(client, node):
    key, items = _busy_map(client, node)
    shown = [items[i] for i in (0, 2, 4, 5, 6)]      # camera 1 + its preset, mosaic 7, command, screen, map seen
    assert client.get(f"{BASE}/{key}/items", auth=CONSULT).json() == {"items": shown}
    assert client.get(f"{BASE}/{key}", auth=CONSULT).json()["map"]["items"] == shown
    assert client.get(f"{BASE}/{key}/items", auth=ADMIN).json() == {"items": items}
    assert client.get(f"{BASE}/{key}", auth=ADMIN).json()["map"]["items"] == items


def test_items_follow_rights_changes(client, node):
    key, _items = _busy_map(client, node)
    node.users.set_rights(CARL, [])                   # no camera any more
    node.users.grant_object(CARL, "mosaic", 7, set())
    shown = client.get(f"{BASE}/{key}/items", auth=CONSULT).json()["items"]
    assert [i["type"] for i in shown] == ["command", "screen", "map"]


def test_items_of_vanished_cameras_presets_and_maps_are_left_out(client, node):
    cam_id = client.post("/api/v1.2/cameras", json={"name": "Tmp", "source": "synthetic://", "isIgnored": True},
                         auth=ADMIN).json()["id"]
    node.store.ptz.put_preset(Preset(1, "gate", "Gate", PtzPosition()))
    node.store.ptz.put_preset(Preset(1, "door", "Door", PtzPosition()))
    other = create(client, "Other")["uuid"]
    items = [camera(1, presets=[preset("gate"), preset("door")]), camera(cam_id), element("map", other)]
    key = create(client, "Site", items=items)["uuid"]
    assert client.delete(f"/api/v1.2/cameras/{cam_id}", auth=ADMIN).status_code == 204
    assert client.delete("/api/v1.2/cameras/1/ptz/presets/door", auth=ADMIN).status_code == 204
    assert client.delete(f"{BASE}/{other}", auth=ADMIN).status_code == 204
    assert client.get(f"{BASE}/{key}/items", auth=ADMIN).json() == {"items": [camera(1, presets=[preset("gate")])]}


def test_an_editor_places_only_what_he_sees_and_keeps_what_he_does_not(client, node):
    key, items = _busy_map(client, node)
    node.users.grant_object(CARL, "map", key, {"view", "edit"})
    mine = client.get(f"{BASE}/{key}/items", auth=CONSULT).json()["items"]
    moved = [{**mine[0], "posX": 5}] + mine[1:3]         # camera 1 moved; command, screen, map seen dropped
    response = client.put(f"{BASE}/{key}", json={"map": {"name": "Site", "items": moved}}, auth=CONSULT)
    assert response.status_code == 200 and response.json()["map"]["version"] == 2
    assert client.get(f"{BASE}/{key}/items", auth=CONSULT).json()["items"] == moved
    kept_for_admin = moved + [items[i] for i in (1, 3, 7)]   # camera 2, mosaic 8, map hidden
    assert client.get(f"{BASE}/{key}/items", auth=ADMIN).json()["items"] == kept_for_admin

    for n, item in ((1, camera(2)), (1, element("group", 8)), (0, element("map", node.store.maps.list()[1].uuid))):
        body = {"name": "Site", "items": ([mine[0]] if n else []) + [item]}
        refused = client.put(f"{BASE}/{key}", json={"map": body}, auth=CONSULT)
        assert refused.status_code == 403, item
        assert refused.json() == {"error": f"'items.{n}': you have no view right on what this element shows"}
    assert client.get(f"{BASE}/{key}", auth=ADMIN).json()["map"]["version"] == 2


def test_deleting_a_map_drops_the_rights_on_it(client, node):
    key = create(client, "Gone")["uuid"]
    node.users.grant_object(CARL, "map", key, {"view", "edit"})
    assert ("map", key) in carl(node).objects
    assert client.delete(f"{BASE}/{key}", auth=ADMIN).status_code == 204
    assert ("map", key) not in carl(node).objects
    assert client.get(BASE, auth=CONSULT).json() == {"maps": []}
