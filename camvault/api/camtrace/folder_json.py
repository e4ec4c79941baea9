"""Folder items and sort criteria in the CamTrace JSON shapes, both ways.

Items (`core.folders.FolderItem`): `{"type", "serverId"?, "id" | "uuid" | "name", "weight"?, "items"?}`;
`id` (integer) for camera, group, screen and command, `uuid` for map and device, `name` and `items`
(mandatory, may be empty) for folder. A camera may hold its PTZ presets in `items` as
`{"type": "preset", "id": "<preset id>"}` (as on maps). Integers are 32-bit; a missing `weight` is 0;
a missing `serverId` is this node (shown as 0). Unknown attributes are ignored.
"""

from __future__ import annotations

import uuid as uuidlib
from typing import Any

from camvault.core.errors import BadRequest
from camvault.core.folders import (
    BY_ID,
    BY_UUID,
    MAX_DEPTH,
    MAX_ITEMS,
    Folder,
    FolderItem,
)
from camvault.core.sort_criteria import SortCriterion

LIST_PATH = "/api/v1.2/folders"
INT_MIN, INT_MAX = -2**31, 2**31 - 1
MAX_PRESET_ID_CHARS = 64


# --- reading ------------------------------------------------------------------------------------
def parse_items(raw: Any, path: str = "items") -> tuple[FolderItem, ...]:
    """The item tree of a request body; BadRequest naming the item (`items[1].items[0]`) otherwise."""
    return _items(raw, path, depth=1, camera=None)


def _items(raw: Any, path: str, *, depth: int, camera: FolderItem | None) -> tuple[FolderItem, ...]:
    if not isinstance(raw, list):
        raise BadRequest(f"'{path}' must be a list (it may be empty)", key="folder_item_list", path=path)
    if depth > MAX_DEPTH or len(raw) > MAX_ITEMS:
        raise BadRequest(f"A folder holds at most {MAX_ITEMS} items, {MAX_DEPTH} levels deep", key="folder_too_big",
                         items=MAX_ITEMS, depth=MAX_DEPTH)
    return tuple(_item(entry, f"{path}[{i}]", depth=depth, camera=camera) for i, entry in enumerate(raw))


def _item(raw: Any, path: str, *, depth: int, camera: FolderItem | None) -> FolderItem:
    if not isinstance(raw, dict):
        raise BadRequest(f"{path} must be an object", key="folder_item_object", path=path)
    kind = raw.get("type")
    if not isinstance(kind, str) or not kind:
        raise _missing(path, "type")
    weight = json_int(raw.get("weight", 0), f"{path}.weight", nullable=False)
    server_id = json_int(raw.get("serverId"), f"{path}.serverId", nullable=True)
    if kind == "folder":
        name = raw.get("name")
        if not isinstance(name, str):
            raise _missing(path, "name")
        if "items" not in raw:
            raise _missing(path, "items")
        return FolderItem("folder", weight, name=name.strip(),
                          items=_items(raw["items"], f"{path}.items", depth=depth + 1, camera=None))
    item = _reference(raw, path, kind, weight, server_id, camera)
    if "items" in raw:
        children = _items(raw["items"], f"{path}.items", depth=depth + 1, camera=item if kind == "camera" else None)
        item = FolderItem(item.type, item.weight, item.server_id, None, item.ref_id, item.ref_key, children)
    return item


def _reference(raw: dict, path: str, kind: str, weight: int, server_id: int | None,
               camera: FolderItem | None) -> FolderItem:
    if kind in BY_ID:
        if "id" not in raw:
            raise _missing(path, "id")
        return FolderItem(kind, weight, server_id, ref_id=json_int(raw["id"], f"{path}.id", nullable=False))
    if kind in BY_UUID:
        return FolderItem(kind, weight, server_id, ref_key=_uuid(raw.get("uuid"), path))
    if kind == "preset":
        preset_id = raw.get("id")
        if isinstance(preset_id, int) and not isinstance(preset_id, bool):
            preset_id = str(preset_id)
        if not isinstance(preset_id, str) or not 1 <= len(preset_id) <= MAX_PRESET_ID_CHARS:
            raise BadRequest(f"{path}.id must be a preset id of 1 to {MAX_PRESET_ID_CHARS} characters",
                             key="folder_item_preset", path=path, max=MAX_PRESET_ID_CHARS)
        return FolderItem("preset", weight, camera.server_id if camera else server_id,
                          ref_id=camera.ref_id if camera else None, ref_key=preset_id)
    raise BadRequest(f"{path}: unknown element type", key="folder_item_type", path=path)


def _uuid(value: Any, path: str) -> str:
    if value is None:
        raise _missing(path, "uuid")
    try:
        return str(uuidlib.UUID(value))
    except (TypeError, ValueError, AttributeError):
        raise BadRequest(f"{path}.uuid is not a uuid", key="folder_item_uuid", path=path) from None


def json_int(value: Any, field: str, *, nullable: bool) -> Any:
    """A 32-bit integer (None allowed when `nullable`); 400 `invalid_integer` otherwise."""
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not INT_MIN <= value <= INT_MAX:
        raise BadRequest(f"'{field}' must be an integer", key="invalid_integer", field=field)
    return value


def _missing(path: str, field: str) -> BadRequest:
    return BadRequest(f"{path}: '{field}' is mandatory", key="folder_item_missing", path=path, field=field)


# --- writing ------------------------------------------------------------------------------------
def folder_summary(folder: Folder) -> dict:
    return {"uuid": folder.uuid, "name": folder.name, "detailUrl": f"{LIST_PATH}/{folder.uuid}"}


def folder_detail(folder: Folder, criterion: SortCriterion | None) -> dict:
    return {"uuid": folder.uuid, "name": folder.name, "regex": folder_regex_json(criterion),
            "items": [item_json(i) for i in folder.items]}


def item_json(item: FolderItem) -> dict:
    if item.type == "folder":
        return {"type": "folder", "name": item.name, "weight": item.weight, "items": [item_json(i) for i in item.items]}
    out: dict[str, Any] = {"serverId": item.server_id or 0, "type": item.type}
    if item.type in BY_UUID:
        out["uuid"] = item.ref_key
    else:
        out["id"] = item.ref_key if item.type == "preset" else item.ref_id
    out["weight"] = item.weight
    if item.items:
        out["items"] = [item_json(i) for i in item.items]
    return out


def folder_regex_json(criterion: SortCriterion | None) -> dict | None:
    """A folder's `regex`: its own criterion, or null when it uses the default one."""
    if criterion is None:
        return None
    return {"id": criterion.id, "name": criterion.name, "params": params_json(criterion)}


def regex_json(criterion: SortCriterion) -> dict:
    return {"id": criterion.id, "name": criterion.name, "default": criterion.is_default,
            "params": params_json(criterion)}


def params_json(criterion: SortCriterion) -> dict:
    return {"value": criterion.pattern, "group": list(criterion.groups)}
