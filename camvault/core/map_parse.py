"""The map body of `POST /maps` and `PUT /maps/:uuid` (already out of its `{"map": ...}` wrapper)
-> `MapDraft`, or a BadRequest naming the first bad field (`items.0.properties.id`). Pure.

Checked here: attribute presence and types (the document's tables), element types, id formats
(`node` must be this server's, 0), limits. Not here: whether cameras, presets and maps exist
(services.maps) and images (services.map_images). Positions and sizes are JSON numbers of pixels;
a fractional value is rounded to the nearest pixel. Each item's `properties` object is kept as
sent (its camera `items` become `MapItem.children`).
"""

from __future__ import annotations

import json
import math
import uuid
from typing import Any

from camvault.core.errors import BadRequest
from camvault.core.maps import (
    CAMERA_ITEM_TYPES,
    ITEM_TYPES,
    BackgroundDraft,
    MapDraft,
    MapItem,
)

MAX_NAME_CHARS = 200
MAX_ITEMS = 2000
MAX_PRESETS = 256
MAX_BACKGROUNDS = 16
MAX_PROPERTIES_CHARS = 8192
MAX_ID_CHARS = 64
MAX_PIXELS = 1_000_000
CAMERA_BEAM = ("angle", "range", "direction")
LOCAL_NODE = "0"


def parse_map(payload: dict, *, creating: bool) -> MapDraft:
    """`items` and `backgrounds` are mandatory (possibly empty) on create, optional on update."""
    name = payload.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_CHARS:
        raise BadRequest(f"'name' must be a non-empty text of at most {MAX_NAME_CHARS} characters",
                         key="map_name_invalid")
    scale = payload.get("scale")
    if scale is not None and not (_is_number(scale) and scale > 0):
        raise BadRequest("'scale' must be a positive number", key="map_scale_invalid")
    items = _entries(payload, "items", MAX_ITEMS, required=creating)
    backgrounds = _entries(payload, "backgrounds", MAX_BACKGROUNDS, required=creating)
    return MapDraft(name.strip(), None if scale is None else float(scale),
                    None if items is None else tuple(_item(v, f"items.{n}", ITEM_TYPES) for n, v in enumerate(items)),
                    None if backgrounds is None else tuple(_background(v, f"backgrounds.{n}")
                                                           for n, v in enumerate(backgrounds)))


def _entries(payload: dict, name: str, limit: int, *, required: bool) -> list | None:
    value = payload.get(name)
    if value is None:
        if required:
            raise _required(name)
        return None
    if not isinstance(value, list):
        raise BadRequest(f"'{name}' must be a list", key="map_field_list", field=name)
    if len(value) > limit:
        raise BadRequest(f"'{name}' holds more than {limit} entries", key="map_too_many", field=name, limit=limit)
    return value


def _item(value: Any, where: str, types: tuple[str, ...]) -> MapItem:
    entry = _object(value, where)
    kind = entry.get("type")
    if kind not in types:
        shown = str(kind)[:40]
        raise BadRequest(f"'{where}.type': unknown element type {shown!r} (expected one of {', '.join(types)})",
                         key="map_item_type", field=f"{where}.type", value=shown)
    pos_x, pos_y = (_pixels(entry, f"{where}.{k}", k) for k in ("posX", "posY"))
    width, height = (_pixels(entry, f"{where}.{k}", k, size=True) for k in ("width", "height"))
    z_index = _number(entry, f"{where}.zIndex", "zIndex")
    props = dict(_object(_present(entry, f"{where}.properties", "properties"), f"{where}.properties"))
    where_props = f"{where}.properties"
    ref_id = _ref_id(kind, _present(props, f"{where_props}.id", "id"), f"{where_props}.id")
    _check_node(props, where_props)
    children = _children(kind, props, where_props)
    if len(json.dumps(props)) > MAX_PROPERTIES_CHARS:
        raise BadRequest(f"'{where_props}' is larger than {MAX_PROPERTIES_CHARS} characters",
                         key="map_properties_too_large", field=where_props, limit=MAX_PROPERTIES_CHARS)
    if kind == "camera":
        for beam in CAMERA_BEAM:
            _number(props, f"{where_props}.{beam}", beam)
    return MapItem(kind, pos_x, pos_y, width, height, z_index, ref_id, props, children)


def _children(kind: str, props: dict, where: str) -> tuple[MapItem, ...]:
    """A camera's presets, taken out of its properties (an `items` key stays, emptied, so answers
    give the list back where the client had one)."""
    nested = props.get("items")
    if nested is None:
        return ()
    if kind != "camera":
        raise BadRequest(f"'{where}.items': only camera elements hold items (their PTZ presets)",
                         key="map_nested_items", field=f"{where}.items")
    if not isinstance(nested, list):
        raise BadRequest(f"'{where}.items' must be a list", key="map_field_list", field=f"{where}.items")
    if len(nested) > MAX_PRESETS:
        raise BadRequest(f"'{where}.items' holds more than {MAX_PRESETS} entries", key="map_too_many",
                         field=f"{where}.items", limit=MAX_PRESETS)
    props["items"] = []
    return tuple(_item(v, f"{where}.items.{n}", CAMERA_ITEM_TYPES) for n, v in enumerate(nested))


def _background(value: Any, where: str) -> BackgroundDraft:
    entry = _object(value, where)
    pos_x, pos_y = (_pixels(entry, f"{where}.{k}", k) for k in ("posX", "posY"))
    width, height = (_pixels(entry, f"{where}.{k}", k, size=True) for k in ("width", "height"))
    z_index = _number(entry, f"{where}.zIndex", "zIndex")
    image = _present(entry, f"{where}.image", "image")
    if not isinstance(image, str) or not image.strip():
        raise BadRequest(f"'{where}.image' must be the image file in base64", key="map_image_text",
                         field=f"{where}.image")
    return BackgroundDraft(pos_x, pos_y, width, height, z_index, image, f"{where}.image")


def _ref_id(kind: str, raw: Any, where: str) -> str:
    """camera, group, command, screen: a positive integer (number or decimal text); map: a uuid;
    preset: a preset id (text or number, 1 to 64 characters)."""
    if kind == "map":
        try:
            return str(uuid.UUID(raw))
        except (TypeError, ValueError, AttributeError):
            raise BadRequest(f"'{where}' must be a map uuid", key="map_field_uuid", field=where) from None
    if kind == "preset":
        text = str(raw) if isinstance(raw, (str, int)) and not isinstance(raw, bool) else ""
        if not 1 <= len(text) <= MAX_ID_CHARS:
            raise BadRequest(f"'{where}' must be a preset id (1 to {MAX_ID_CHARS} characters)",
                             key="map_field_preset_id", field=where, limit=MAX_ID_CHARS)
        return text
    number = raw if isinstance(raw, int) and not isinstance(raw, bool) else \
        int(raw) if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) < 10 else 0
    if number <= 0 or number >= 2 ** 31:
        raise BadRequest(f"'{where}' must be a positive integer id", key="map_field_id", field=where)
    return str(number)


def _check_node(props: dict, where: str) -> None:
    """`node` is optional (the document's own command example has none); given, it must be this
    server: camvault is a single node, 0."""
    node = props.get("node")
    if node is not None and (isinstance(node, bool) or str(node).strip() != LOCAL_NODE):
        shown = str(node)[:20]
        raise BadRequest(f"'{where}.node': unknown server {shown!r} (this server is node 0)",
                         key="map_unknown_node", field=f"{where}.node", value=shown)


def _object(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise BadRequest(f"'{where}' must be a JSON object", key="map_field_object", field=where)
    return value


def _present(entry: dict, where: str, key: str) -> Any:
    value = entry.get(key)
    if value is None:
        raise _required(where)
    return value


def _required(where: str) -> BadRequest:
    return BadRequest(f"'{where}' is required", key="map_field_required", field=where)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _number(entry: dict, where: str, key: str) -> float:
    value = _present(entry, where, key)
    if not _is_number(value):
        raise BadRequest(f"'{where}' must be a number", key="map_field_number", field=where)
    return float(value)


def _pixels(entry: dict, where: str, key: str, *, size: bool = False) -> int:
    value = _number(entry, where, key)
    low = 0 if size else -MAX_PIXELS
    if not low <= value <= MAX_PIXELS:
        raise BadRequest(f"'{where}' must be a number of pixels from {low} to {MAX_PIXELS}",
                         key="map_field_pixels", field=where, low=low, high=MAX_PIXELS)
    return round(value)
