"""CamTrace maps (plans): a named, versioned canvas of background images and items (cameras with
their PTZ presets, mosaics, commands, passive screens, links to other maps). Pure: no I/O.

Who sees which item (`item_visible`): cameras by the camera view right (core.rights.can_view),
mosaics by `user.may("mosaic", id, "view")`, maps by `user.may("map", uuid, "view")`; commands and
passive screens carry no per-object right in the CamTrace document (every authenticated user may
list them), so they are shown to everyone who sees the map. A camera's presets go with their
camera. Items naming a camera, preset or map that no longer exists are dropped for everyone
(`Refs` answers existence). Positions and sizes are pixels of the map; `z_index` is a depth.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol

from camvault.core.model import User
from camvault.core.rights import can_view

ITEM_TYPES = ("camera", "group", "command", "map", "screen")
"""Types of a map's items (`group` is a mosaic, `command` an external-URL command)."""

CAMERA_ITEM_TYPES = ("preset",)
"""Types of a camera item's own `items`."""


@dataclass(frozen=True)
class MapItem:
    """One element. `ref_id` is the normalized id of what it shows (a camera, mosaic, command or
    screen id as decimal text, a map uuid in lower case, a preset id); `properties` is the object
    the client sent, kept as is, without the camera's nested `items` (`children`)."""

    type: str
    pos_x: int
    pos_y: int
    width: int
    height: int
    z_index: float
    ref_id: str
    properties: dict = field(default_factory=dict, hash=False, compare=True)
    children: tuple[MapItem, ...] = ()


@dataclass(frozen=True)
class MapBackground:
    """A background image: the image file's bytes, placed at pos/size on the map. `image_prefix` is
    the `data:<mime>;base64,` prefix when the client sent a data URL, so answers give it back."""

    pos_x: int
    pos_y: int
    width: int
    height: int
    z_index: float
    image: bytes
    image_prefix: str = ""


@dataclass(frozen=True)
class MapSummary:
    uuid: str
    name: str
    version: int


@dataclass(frozen=True)
class MapDetail:
    uuid: str
    name: str
    version: int
    scale: float
    items: tuple[MapItem, ...]
    backgrounds: tuple[MapBackground, ...]


@dataclass(frozen=True)
class BackgroundDraft:
    """A background as received: the image is still the client's text (base64 or a data URL)."""

    pos_x: int
    pos_y: int
    width: int
    height: int
    z_index: float
    image_text: str
    field: str                  # e.g. "backgrounds.0.image", for error messages


@dataclass(frozen=True)
class MapDraft:
    """A create or update body. `None` means "not given" (on update: keep the current value)."""

    name: str
    scale: float | None
    items: tuple[MapItem, ...] | None
    backgrounds: tuple[BackgroundDraft, ...] | None


class Refs(Protocol):
    """Existence of what items name (cameras, a camera's presets, maps)."""

    def camera_exists(self, camera_id: int) -> bool: ...

    def preset_exists(self, camera_id: int, preset_id: str) -> bool: ...

    def map_exists(self, uuid: str) -> bool: ...


def item_exists(item: MapItem, refs: Refs) -> bool:
    """False when a camera or map item names something that is gone (mosaics, commands and
    screens are not checked here: they belong to other areas)."""
    if item.type == "camera":
        return refs.camera_exists(int(item.ref_id))
    if item.type == "map":
        return refs.map_exists(item.ref_id)
    return True


def item_allowed(user: User, item: MapItem) -> bool:
    """The user's view right on what the item shows (existence aside)."""
    if item.type == "camera":
        return can_view(user, int(item.ref_id))
    if item.type == "group":
        return user.may("mosaic", item.ref_id, "view")
    if item.type == "map":
        return user.may("map", item.ref_id, "view")
    return True                 # command, screen: no per-object right


def item_visible(user: User, item: MapItem, refs: Refs) -> bool:
    return item_exists(item, refs) and item_allowed(user, item)


def visible_items(user: User, items: tuple[MapItem, ...], refs: Refs) -> tuple[MapItem, ...]:
    """The items the user may see, each camera with its presets that still exist."""
    shown = []
    for item in items:
        if not item_visible(user, item, refs):
            continue
        if item.children:
            kept = tuple(c for c in item.children if refs.preset_exists(int(item.ref_id), c.ref_id))
            item = replace(item, children=kept)
        shown.append(item)
    return tuple(shown)


def hidden_items(user: User, items: tuple[MapItem, ...], refs: Refs) -> tuple[MapItem, ...]:
    """Items that exist but that the user may not see: an update by this user keeps them, since the
    user could neither see nor resend them."""
    return tuple(i for i in items if item_exists(i, refs) and not item_allowed(user, i))


def forbidden_item(user: User, items: tuple[MapItem, ...]) -> int | None:
    """The index of the first item the user may not place (no view right on it), or None."""
    return next((n for n, item in enumerate(items) if not item_allowed(user, item)), None)
