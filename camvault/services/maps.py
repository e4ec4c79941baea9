"""Maps (CamTrace plans): list, read (items filtered by the reader's rights), create, update
(version + 1 each time), delete.

Order of checks: the licence (`licensed()`, the `maps` module of the licence: 403), the map
(unknown or malformed uuid: 404), the right (view or edit on the map, Admin for create/delete:
403), then the body (400). Items naming a camera, PTZ preset or map must name existing ones when
written (400); mosaics, commands and screens are checked for form only (they belong to other
areas). A non-admin editor may only place items he may see (403), and an update by him keeps the
existing items hidden from him (he could not resend them). Thread-safe (stateless over the store).
"""

from __future__ import annotations

import logging
import uuid as uuid_lib
from collections.abc import Callable

from camvault.core.clock import Clock
from camvault.core.errors import BadRequest, Forbidden, NotFound
from camvault.core.map_parse import parse_map
from camvault.core.maps import (
    BackgroundDraft,
    MapBackground,
    MapDetail,
    MapItem,
    MapSummary,
    forbidden_item,
    hidden_items,
    visible_items,
)
from camvault.core.model import User
from camvault.core.rights import require_admin
from camvault.services.map_images import decode_image
from camvault.services.users import UserService
from camvault.store.store import Store

log = logging.getLogger(__name__)


class StoreRefs:
    """What map items name, looked up in the store; memoized, so use one per request."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._presets: dict[int, set[str]] = {}
        self._maps: set[str] | None = None

    def camera_exists(self, camera_id: int) -> bool:
        return self._store.cameras.get(camera_id) is not None

    def preset_exists(self, camera_id: int, preset_id: str) -> bool:
        if camera_id not in self._presets:
            self._presets[camera_id] = {p.preset_id for p in self._store.ptz.presets(camera_id)}
        return preset_id in self._presets[camera_id]

    def map_exists(self, uuid: str) -> bool:
        if self._maps is None:
            self._maps = self._store.maps.uuids()
        return uuid in self._maps


class MapService:
    def __init__(self, store: Store, users: UserService, clock: Clock, *, licensed: Callable[[], bool]) -> None:
        self._store = store
        self._users = users
        self._clock = clock
        self._licensed = licensed

    # --- queries --------------------------------------------------------------------------------
    def list_for(self, user: User) -> list[MapSummary]:
        """The maps the user may view (all for an admin)."""
        self._check_licence()
        return [m for m in self._store.maps.list() if user.may("map", m.uuid, "view")]

    def get_for(self, user: User, uuid: str) -> MapDetail:
        key = self._allowed(user, uuid, "view")
        found = self._store.maps.get(key)
        if found is None:
            raise _not_found(uuid)
        return MapDetail(found.uuid, found.name, found.version, found.scale,
                         visible_items(user, found.items, StoreRefs(self._store)), found.backgrounds)

    def items_for(self, user: User, uuid: str) -> tuple[MapItem, ...]:
        key = self._allowed(user, uuid, "view")
        items = self._store.maps.items(key)
        if items is None:
            raise _not_found(uuid)
        return visible_items(user, items, StoreRefs(self._store))

    # --- changes --------------------------------------------------------------------------------
    def create(self, user: User, payload: dict) -> MapSummary:
        self._check_licence()
        require_admin(user)
        draft = parse_map(payload, creating=True)
        _check_refs(draft.items or (), StoreRefs(self._store))
        backgrounds = _decoded(draft.backgrounds or ())
        key = str(uuid_lib.uuid4())
        created = self._store.maps.insert(key, draft.name, 1.0 if draft.scale is None else draft.scale,
                                          draft.items or (), backgrounds, self._clock.now_ms())
        log.info("map %s %r created by %s", key, draft.name, user.name)
        return created

    def update(self, user: User, uuid: str, payload: dict) -> MapSummary:
        """Replace the given attributes (absent `scale`, `items`, `backgrounds` are kept)."""
        key = self._allowed(user, uuid, "edit")
        draft = parse_map(payload, creating=False)
        refs = StoreRefs(self._store)
        new_items = draft.items
        change = None
        if new_items is not None:
            _check_refs(new_items, refs)
            change = self._items_change(user, new_items, refs)
        backgrounds = None if draft.backgrounds is None else _decoded(draft.backgrounds)
        updated = self._store.maps.update(key, draft.name, draft.scale, change, backgrounds, self._clock.now_ms())
        if updated is None:
            raise _not_found(uuid)
        log.info("map %s updated by %s (version %s)", key, user.name, updated.version)
        return updated

    def delete(self, user: User, uuid: str) -> None:
        self._check_licence()
        require_admin(user)
        key = _canonical(uuid)
        if not self._store.maps.delete(key):
            raise _not_found(uuid)
        self._users.forget_object("map", key)
        log.info("map %s deleted by %s", key, user.name)

    # --- helpers --------------------------------------------------------------------------------
    def _check_licence(self) -> None:
        if not self._licensed():
            raise Forbidden("This server is not licensed for maps", key="maps_not_licensed")

    def _allowed(self, user: User, uuid: str, action: str) -> str:
        """The map's canonical uuid once the licence, the map's existence and the user's right are
        checked."""
        self._check_licence()
        key = _canonical(uuid)
        if self._store.maps.summary(key) is None:
            raise _not_found(uuid)
        if not user.may("map", key, action):
            if action == "edit":
                raise Forbidden(f"You have no edit right on map {key}", key="map_edit_forbidden", id=key)
            raise Forbidden(f"You have no view right on map {key}", key="map_view_forbidden", id=key)
        return key

    @staticmethod
    def _items_change(user: User, new_items: tuple[MapItem, ...], refs: StoreRefs):
        if user.is_admin:
            return lambda _current: new_items
        refused = forbidden_item(user, new_items)
        if refused is not None:
            raise Forbidden(f"'items.{refused}': you have no view right on what this element shows",
                            key="map_item_forbidden", field=f"items.{refused}")
        return lambda current: new_items + hidden_items(user, current, refs)


def _check_refs(items: tuple[MapItem, ...], refs: StoreRefs) -> None:
    for n, item in enumerate(items):
        where = f"items.{n}.properties"
        if item.type == "camera":
            camera_id = int(item.ref_id)
            if not refs.camera_exists(camera_id):
                raise BadRequest(f"'{where}.id': camera {camera_id} does not exist", key="map_unknown_camera",
                                 field=f"{where}.id", id=camera_id)
            for c, preset in enumerate(item.children):
                if not refs.preset_exists(camera_id, preset.ref_id):
                    raise BadRequest(f"'{where}.items.{c}.properties.id': camera {camera_id} has no preset "
                                     f"{preset.ref_id!r}", key="map_unknown_preset",
                                     field=f"{where}.items.{c}.properties.id", camera=camera_id, id=preset.ref_id)
        elif item.type == "map" and not refs.map_exists(item.ref_id):
            raise BadRequest(f"'{where}.id': map {item.ref_id} does not exist", key="map_unknown_map",
                             field=f"{where}.id", id=item.ref_id)


def _decoded(drafts: tuple[BackgroundDraft, ...]) -> tuple[MapBackground, ...]:
    backgrounds = []
    for d in drafts:
        image, prefix = decode_image(d.image_text, d.field)
        backgrounds.append(MapBackground(d.pos_x, d.pos_y, d.width, d.height, d.z_index, image, prefix))
    return tuple(backgrounds)


def _canonical(uuid: str) -> str:
    """The lower-case hyphenated form; a malformed uuid names no map (404)."""
    try:
        return str(uuid_lib.UUID(uuid))
    except ValueError:
        raise _not_found(uuid) from None


def _not_found(uuid: str) -> NotFound:
    return NotFound(f"Map {uuid} not found", key="map_not_found", id=uuid)
