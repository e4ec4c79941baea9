"""Folders (CamTrace "Folders", "sélections"): a named tree of references to cameras and their PTZ
presets, mosaics, maps, passive screens, commands, metadata connectors and nested sub-folders.
Pure values and tree functions, no I/O.

Items are ordered by weight; among items of equal weight the cameras are put in the order of the
folder's sort criterion (the places the cameras hold among those items are kept, other items keep
their given order). A PTZ preset item only appears inside a camera item (as on maps).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from itertools import groupby
from typing import Any, NoReturn

from camvault.core.errors import BadRequest

LOCAL_SERVER_ID = 0
"""The id of this node in `GET /servers`; items of other servers cannot be checked here."""

BY_ID = ("camera", "group", "screen", "command")
BY_UUID = ("map", "device")
ITEM_TYPES = ("folder", "preset", *BY_ID, *BY_UUID)

MAX_DEPTH = 16
MAX_NAME_CHARS = 200
MAX_ITEMS = 5000


@dataclass(frozen=True)
class FolderItem:
    """One element of a folder: `ref_id` is the camera, mosaic (group), screen or command id (for a
    preset: its camera's id), `ref_key` the map or connector uuid (for a preset: the preset id),
    `name` a sub-folder's name; `server_id` None means this node."""

    type: str
    weight: int = 0
    server_id: int | None = None
    name: str | None = None
    ref_id: int | None = None
    ref_key: str | None = None
    items: tuple[FolderItem, ...] = ()

    @property
    def is_local(self) -> bool:
        return self.server_id in (None, LOCAL_SERVER_ID)


@dataclass(frozen=True)
class Folder:
    """A top-level folder; `regex_id` None means the server's default sort criterion applies."""

    uuid: str
    name: str
    regex_id: int | None = None
    weight: int = 0
    items: tuple[FolderItem, ...] = ()


def walk(items: tuple[FolderItem, ...], path: str = "items", depth: int = 1
         ) -> Iterator[tuple[str, int, FolderItem]]:
    """(path, depth, item) for every item of the tree, depth first, parents before their sub-items;
    the path names the item in the request body (`items[1].items[0]`)."""
    for index, item in enumerate(items):
        here = f"{path}[{index}]"
        yield here, depth, item
        yield from walk(item.items, f"{here}.items", depth + 1)


def check_shape(items: tuple[FolderItem, ...]) -> None:
    """BadRequest unless the tree is at most MAX_DEPTH deep with at most MAX_ITEMS items, every type
    is known, sub-folders are named, and presets are exactly the sub-items of cameras."""
    for count, (path, depth, item) in enumerate(walk(items), start=1):
        if count > MAX_ITEMS or depth > MAX_DEPTH:
            raise BadRequest(f"A folder holds at most {MAX_ITEMS} items, {MAX_DEPTH} levels deep",
                             key="folder_too_big", items=MAX_ITEMS, depth=MAX_DEPTH)
        if item.type not in ITEM_TYPES:
            raise BadRequest(f"{path}: unknown element type", key="folder_item_type", path=path)
        if item.type == "folder" and not 1 <= len((item.name or "").strip()) <= MAX_NAME_CHARS:
            raise BadRequest(f"{path}: a folder needs a name of 1 to {MAX_NAME_CHARS} characters",
                             key="folder_item_name", path=path, max=MAX_NAME_CHARS)
        for sub_index, sub in enumerate(item.items):
            if not may_hold(item.type, sub.type):
                _misplaced(f"{path}.items[{sub_index}]", sub.type, item.type)
    for index, item in enumerate(items):
        if not may_hold("folder", item.type):
            _misplaced(f"items[{index}]", item.type, "folder")


def may_hold(parent_type: str, child_type: str) -> bool:
    """Folders hold anything but presets; cameras hold only their presets; other items nothing."""
    if parent_type == "folder":
        return child_type != "preset"
    return parent_type == "camera" and child_type == "preset"


def _misplaced(path: str, child_type: str, parent_type: str) -> NoReturn:
    raise BadRequest(f"{path}: a {child_type} cannot be inside a {parent_type}", key="folder_item_place",
                     path=path, type=child_type, parent=parent_type)


def pruned(items: tuple[FolderItem, ...], keep: Callable[[FolderItem], bool]) -> tuple[FolderItem, ...]:
    """The tree without the items `keep` refuses; a refused item takes its sub-items with it."""
    return tuple(replace(item, items=pruned(item.items, keep)) if item.items else item
                 for item in items if keep(item))


def ordered(items: tuple[FolderItem, ...], camera_key: Callable[[FolderItem], Any]) -> tuple[FolderItem, ...]:
    """The tree sorted level by level: by weight (stable), and among items of equal weight the camera
    items re-ordered by `camera_key` in the places cameras hold."""
    out: list[FolderItem] = []
    for _weight, run in groupby(sorted(items, key=lambda i: i.weight), key=lambda i: i.weight):
        same_weight = list(run)
        cameras = iter(sorted((i for i in same_weight if i.type == "camera"), key=camera_key))
        out.extend(next(cameras) if i.type == "camera" else i for i in same_weight)
    return tuple(replace(i, items=ordered(i.items, camera_key)) if i.items else i for i in out)


def listing_key(folder: Folder) -> tuple:
    """The order of the folder list: weight, then name, then uuid."""
    return (folder.weight, folder.name.casefold(), folder.name, folder.uuid)
