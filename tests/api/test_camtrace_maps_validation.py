"""CamTrace maps: every refusal of a create or update body (400 `{"error": ...}` naming the field),
the references camvault checks (cameras, their PTZ presets, maps), and background images decoded
with Pillow (bad base64, not an image, truncated, too many pixels)."""

import copy
import io
import uuid

import pytest
from PIL import Image

from camvault.core.ptz import Preset, PtzPosition
from tests.api.conftest import ADMIN
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


def valid() -> dict:
    return {"name": "Batiment 2", "items": [camera(1, presets=[preset("p1")]), element("command", "1")],
            "backgrounds": [background()]}


def _set(path: str, value):
    """A change of the valid body: set (or, with `...`, delete) the value at a dotted path."""
    def change(body):
        *parents, last = path.split(".")
        target = body
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        key = int(last) if isinstance(target, list) else last
        if value is ...:
            del target[key]
        else:
            target[key] = value
    return change


BIG_PROPS = {"id": "1", "node": "0", "angle": 1, "range": 1, "direction": 1, "note": "x" * 9000}
CASES = [
    ("name missing", _set("name", ...), "'name' must be a non-empty text of at most 200 characters"),
    ("name blank", _set("name", "  "), "'name' must be a non-empty text of at most 200 characters"),
    ("name too long", _set("name", "n" * 201), "'name' must be a non-empty text of at most 200 characters"),
    ("name a number", _set("name", 5), "'name' must be a non-empty text of at most 200 characters"),
    ("scale zero", _set("scale", 0), "'scale' must be a positive number"),
    ("scale text", _set("scale", "1.2"), "'scale' must be a positive number"),
    ("items missing", _set("items", ...), "'items' is required"),
    ("backgrounds missing", _set("backgrounds", ...), "'backgrounds' is required"),
    ("items an object", _set("items", {}), "'items' must be a list"),
    ("too many items", _set("items", [element("screen", 1)] * 2001), "'items' holds more than 2000 entries"),
    ("too many backgrounds", _set("backgrounds", [background()] * 17), "'backgrounds' holds more than 16 entries"),
    ("item not an object", _set("items.1", "camera"), "'items.1' must be a JSON object"),
    ("unknown type", _set("items.1.type", "door"),
     "'items.1.type': unknown element type 'door' (expected one of camera, group, command, map, screen)"),
    ("preset at top level", _set("items.1.type", "preset"),
     "'items.1.type': unknown element type 'preset' (expected one of camera, group, command, map, screen)"),
    ("posX missing", _set("items.0.posX", ...), "'items.0.posX' is required"),
    ("posX text", _set("items.0.posX", "332"), "'items.0.posX' must be a number"),
    ("posX boolean", _set("items.0.posX", True), "'items.0.posX' must be a number"),
    ("posY too far", _set("items.0.posY", 2_000_000), "'items.0.posY' must be a number of pixels from -1000000 to 1000000"),
    ("negative width", _set("items.0.width", -1), "'items.0.width' must be a number of pixels from 0 to 1000000"),
    ("zIndex missing", _set("items.1.zIndex", ...), "'items.1.zIndex' is required"),
    ("properties missing", _set("items.1.properties", ...), "'items.1.properties' is required"),
    ("properties a list", _set("items.1.properties", [1]), "'items.1.properties' must be a JSON object"),
    ("id missing", _set("items.1.properties.id", ...), "'items.1.properties.id' is required"),
    ("camera id text", _set("items.0.properties.id", "abc"), "'items.0.properties.id' must be a positive integer id"),
    ("camera id zero", _set("items.0.properties.id", 0), "'items.0.properties.id' must be a positive integer id"),
    ("command id decimal", _set("items.1.properties.id", 1.5), "'items.1.properties.id' must be a positive integer id"),
    ("map id not a uuid", _set("items.1", element("map", "parking")), "'items.1.properties.id' must be a map uuid"),
    ("other node", _set("items.0.properties.node", "3"),
     "'items.0.properties.node': unknown server '3' (this server is node 0)"),
    ("camera angle missing", _set("items.0.properties.angle", ...), "'items.0.properties.angle' is required"),
    ("camera range text", _set("items.0.properties.range", "far"), "'items.0.properties.range' must be a number"),
    ("camera items an object", _set("items.0.properties.items", {}), "'items.0.properties.items' must be a list"),
    ("group with items", _set("items.1", {**element("group", 2), "properties": {"id": 2, "items": []}}),
     "'items.1.properties.items': only camera elements hold items (their PTZ presets)"),
    ("camera holding a camera", _set("items.0.properties.items.0", camera(2)),
     "'items.0.properties.items.0.type': unknown element type 'camera' (expected one of preset)"),
    ("preset without size", _set("items.0.properties.items.0.width", ...),
     "'items.0.properties.items.0.width' is required"),
    ("preset id too long", _set("items.0.properties.items.0.properties.id", "p" * 65),
     "'items.0.properties.items.0.properties.id' must be a preset id (1 to 64 characters)"),
    ("properties too large", _set("items.0.properties", BIG_PROPS),
     "'items.0.properties' is larger than 8192 characters"),
    ("unknown camera", _set("items.0.properties.id", "99"), "'items.0.properties.id': camera 99 does not exist"),
    ("unknown preset", _set("items.0.properties.items.0.properties.id", "nope"),
     "'items.0.properties.items.0.properties.id': camera 1 has no preset 'nope'"),
    ("preset of another camera", _set("items.0.properties.id", "2"),
     "'items.0.properties.items.0.properties.id': camera 2 has no preset 'p1'"),
    ("unknown map", _set("items.1", element("map", "8c6b1f63-8f1a-4b43-9d43-2d1f0b4fb0a1")),
     "'items.1.properties.id': map 8c6b1f63-8f1a-4b43-9d43-2d1f0b4fb0a1 does not exist"),
    ("background not an object", _set("backgrounds.0", 3), "'backgrounds.0' must be a JSON object"),
    ("background posY missing", _set("backgrounds.0.posY", ...), "'backgrounds.0.posY' is required"),
    ("image missing", _set("backgrounds.0.image", ...), "'backgrounds.0.image' is required"),
    ("image a number", _set("backgrounds.0.image", 12), "'backgrounds.0.image' must be the image file in base64"),
    ("image not base64", _set("backgrounds.0.image", "<binary data>"), "'backgrounds.0.image' is not valid base64"),
    ("image not an image", _set("backgrounds.0.image", b64(b"hello, this is text")),
     "'backgrounds.0.image' is not an image file (PNG, JPEG, GIF, WEBP, BMP)"),
    ("image truncated", _set("backgrounds.0.image", b64(png(200, 200)[:-40])),
     "'backgrounds.0.image' is not an image file (PNG, JPEG, GIF, WEBP, BMP)"),
    ("image an SVG", _set("backgrounds.0.image", b64(b'<svg xmlns="http://www.w3.org/2000/svg"/>')),
     "'backgrounds.0.image' is not an image file (PNG, JPEG, GIF, WEBP, BMP)"),
    ("image a data URL of text", _set("backgrounds.0.image", "data:text/plain;base64," + b64(b"hi")),
     "'backgrounds.0.image' is not valid base64"),
]


@pytest.fixture
def with_preset(node, client):
    node.store.ptz.put_preset(Preset(1, "p1", "Gate", PtzPosition()))
    return client


def test_the_valid_body_is_accepted(with_preset):
    assert with_preset.post(BASE, json={"map": valid()}, auth=ADMIN).status_code == 201


def test_create_refuses_each_bad_body_naming_the_field(with_preset):
    for label, change, message in CASES:
        body = valid()
        change(body)
        response = with_preset.post(BASE, json={"map": body}, auth=ADMIN)
        assert (response.status_code, response.json()) == (400, {"error": message}), label
    assert with_preset.get(BASE, auth=ADMIN).json() == {"maps": []}


def test_update_refuses_the_same_and_changes_nothing(with_preset):
    key = create(with_preset, "Kept", items=valid()["items"])["uuid"]
    before = with_preset.get(f"{BASE}/{key}", auth=ADMIN).json()
    for label, change, message in CASES:
        if label in ("items missing", "backgrounds missing"):
            continue                                        # optional on update
        body = valid()
        change(body)
        response = with_preset.put(f"{BASE}/{key}", json={"map": body}, auth=ADMIN)
        assert (response.status_code, response.json()) == (400, {"error": message}), label
    assert with_preset.get(f"{BASE}/{key}", auth=ADMIN).json() == before


def test_bodies_that_are_not_json_objects(client):
    for content in (b"not json", b"[1, 2]", b'"map"'):
        response = client.post(BASE, content=content, headers={"Content-Type": "application/json"}, auth=ADMIN)
        assert response.status_code == 400 and "error" in response.json(), content


def test_too_many_pixels_is_refused(client):
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG")       # 100 Mpixels, a few kB of PNG
    body = {**valid(), "items": [], "backgrounds": [background(out.getvalue())]}
    response = client.post(BASE, json={"map": body}, auth=ADMIN)
    assert response.status_code == 400
    assert response.json()["error"].startswith("'backgrounds.0.image' is too large")


def test_image_formats_browsers_show_are_accepted(client):
    for fmt in ("PNG", "JPEG", "GIF", "WEBP", "BMP"):
        out = io.BytesIO()
        Image.new("RGB", (16, 9), (10, 200, 10)).save(out, format=fmt)
        key = create(client, fmt, backgrounds=[background(out.getvalue())])["uuid"]
        shown = client.get(f"{BASE}/{key}", auth=ADMIN).json()["map"]
        assert shown["backgrounds"][0]["image"] == b64(out.getvalue()), fmt


def test_wrapped_base64_lines_are_accepted(client):
    data = png(300, 200)
    text = b64(data)
    wrapped = "\n".join(text[i:i + 76] for i in range(0, len(text), 76))
    key = create(client, backgrounds=[background(wrapped)])["uuid"]
    assert client.get(f"{BASE}/{key}", auth=ADMIN).json()["map"]["backgrounds"][0]["image"] == text


def test_a_map_may_link_to_itself_once_it_exists(client):
    key = create(client, "Loop")["uuid"]
    body = {"name": "Loop", "items": [element("map", key)]}
    assert client.put(f"{BASE}/{key}", json={"map": body}, auth=ADMIN).status_code == 200
    assert client.get(f"{BASE}/{key}/items", auth=ADMIN).json() == {"items": [element("map", key)]}


def test_translated_validation_message(client):
    body = copy.deepcopy(valid())
    body["items"][0]["properties"]["id"] = "99"
    response = client.post(BASE, json={"map": body}, auth=ADMIN, headers={"Accept-Language": "it"})
    assert response.json() == {"error": "'items.0.properties.id': la telecamera 99 non esiste"}
    response = client.put(f"{BASE}/{uuid.uuid4()}", json={"map": body}, auth=ADMIN)
    assert response.status_code == 404                              # the map is checked before the body
