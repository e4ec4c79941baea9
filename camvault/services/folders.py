"""Folders: every user may read them, only admins change them (`core.folders`).

Reading a folder removes what the user may not view: cameras without the view right
(`core.rights.can_view`) with their presets, mosaics without `view`, maps without `view`, metadata
connectors without `consult`, and items of other servers (this node cannot check them) unless the
user is an admin; screens and commands (every user may list them) and sub-folders (even empty) stay.
References camvault can check and that no longer hold (a deleted camera or preset) are removed
for everyone. The remaining tree is ordered by `core.folders.ordered`, cameras by the folder's sort
criterion or else the default one.

Writing checks the tree's shape, that the sort criterion exists, and that cameras and presets of
this node exist; mosaics, maps, screens, commands and connectors are stored as given.
Thread-safe (stateless over the store).
"""

from __future__ import annotations

import logging
import uuid as uuidlib
from collections.abc import Callable
from dataclasses import dataclass, replace

from camvault.core.errors import BadRequest, NotFound
from camvault.core.folders import (
    MAX_NAME_CHARS,
    Folder,
    FolderItem,
    check_shape,
    listing_key,
    ordered,
    pruned,
    walk,
)
from camvault.core.model import User
from camvault.core.rights import can_view, require_admin
from camvault.core.sort_criteria import SortCriterion, name_key_function
from camvault.services.sort_criteria import SortCriterionService
from camvault.store.folders import KEEP, Keep
from camvault.store.store import Store

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class FolderView:
    """A folder as one user sees it: items filtered and ordered; `criterion` is the folder's own
    sort criterion (None: the default one applies)."""

    folder: Folder
    criterion: SortCriterion | None


@dataclass(frozen=True)
class _Context:
    """What reading needs, loaded once per request."""

    camera_names: dict[int, str]
    presets: dict[int, set[str]]
    criteria: dict[int, SortCriterion]
    default: SortCriterion | None


class FolderService:
    def __init__(self, store: Store) -> None:
        self._store = store
        self.criteria = SortCriterionService(store.sort_criteria)

    # --- queries --------------------------------------------------------------------------------
    def list_for(self, user: User, *, details: bool) -> list[FolderView]:
        """Every folder, by weight then name; with `details`, their filtered and ordered items."""
        found = sorted(self._store.folders.list(with_items=details), key=listing_key)
        if not details:
            return [FolderView(folder, None) for folder in found]
        context = self._context()
        return [self._view(user, folder, context) for folder in found]

    def get_for(self, user: User, uuid: str) -> FolderView:
        return self._view(user, self._existing(uuid), self._context())

    # --- changes (admin) ------------------------------------------------------------------------
    def create(self, user: User, *, name: object, regex_id: int | None, items: tuple[FolderItem, ...]) -> Folder:
        require_admin(user)
        folder = Folder(uuid=str(uuidlib.uuid4()), name=_name(name), regex_id=self._regex_id(regex_id),
                        items=self._checked(items))
        self._store.folders.insert(folder)
        log.info("folder %s %r created by %s", folder.uuid, folder.name, user.name)
        return folder

    def update(self, user: User, uuid: str, *, name: object = None, regex_id: int | None | Keep = KEEP,
               items: tuple[FolderItem, ...] | None = None) -> Folder:
        """Change what is given; `items` replaces the whole tree, `regex_id` None returns to the default."""
        require_admin(user)
        uuid = uuid.lower()
        self._existing(uuid)
        clean_name = None if name is None else _name(name)
        regex = regex_id if isinstance(regex_id, Keep) else self._regex_id(regex_id)
        checked = None if items is None else self._checked(items)
        if not self._store.folders.update(uuid, name=clean_name, regex_id=regex, items=checked):
            raise _not_found(uuid)
        log.info("folder %s updated by %s", uuid, user.name)
        return self._existing(uuid)

    def set_weights(self, user: User, weights: dict[str, int]) -> None:
        """Set the weight of several folders at once; an unknown uuid changes nothing (NotFound)."""
        require_admin(user)
        missing = self._store.folders.set_weights({uuid.lower(): w for uuid, w in weights.items()})
        if missing:
            raise _not_found(missing[0])
        log.info("weights of %d folder(s) set by %s", len(weights), user.name)

    def delete(self, user: User, uuid: str) -> None:
        require_admin(user)
        if not self._store.folders.delete(uuid.lower()):
            raise _not_found(uuid)
        log.info("folder %s deleted by %s", uuid, user.name)

    # --- helpers --------------------------------------------------------------------------------
    def _existing(self, uuid: str) -> Folder:
        found = self._store.folders.get(uuid.lower())
        if found is None:
            raise _not_found(uuid)
        return found

    def _regex_id(self, regex_id: int | None) -> int | None:
        if regex_id is not None and self.criteria.get(regex_id) is None:
            raise BadRequest(f"Sort criterion {regex_id} does not exist", key="folder_unknown_regex", id=regex_id)
        return regex_id

    def _checked(self, items: tuple[FolderItem, ...]) -> tuple[FolderItem, ...]:
        """The tree once its shape and its references to this node's cameras and presets hold."""
        check_shape(items)
        cameras = {c.id for c in self._store.cameras.list()}
        presets = self._presets()
        for path, _depth, item in walk(items):
            if not item.is_local:
                continue
            if item.type == "camera" and item.ref_id not in cameras:
                raise BadRequest(f"{path}: camera {item.ref_id} does not exist", key="folder_unknown_camera",
                                 path=path, id=item.ref_id)
            if item.type == "preset" and item.ref_key not in presets.get(item.ref_id or 0, set()):
                raise BadRequest(f"{path}: camera {item.ref_id} has no preset {item.ref_key}",
                                 key="folder_unknown_preset", path=path, camera=item.ref_id, preset=item.ref_key)
        return items

    def _presets(self) -> dict[int, set[str]]:
        return {camera_id: {preset_id for preset_id, _name in presets}
                for camera_id, (presets, _tours) in self._store.ptz.names().items()}

    def _context(self) -> _Context:
        criteria = {c.id: c for c in self._store.sort_criteria.list()}
        return _Context(camera_names={c.id: c.name for c in self._store.cameras.list()}, presets=self._presets(),
                        criteria=criteria, default=next((c for c in criteria.values() if c.is_default), None))

    def _view(self, user: User, folder: Folder, context: _Context) -> FolderView:
        own = context.criteria.get(folder.regex_id) if folder.regex_id is not None else None
        name_key = name_key_function(own or context.default)

        def camera_key(item: FolderItem) -> tuple:
            name = context.camera_names.get(item.ref_id or 0, "") if item.is_local else ""
            return (name_key(name), not item.is_local, item.server_id or 0, item.ref_id or 0)

        items = ordered(pruned(folder.items, _visible_to(user, context)), camera_key)
        return FolderView(replace(folder, items=items), own)


def _visible_to(user: User, context: _Context) -> Callable[[FolderItem], bool]:
    def keep(item: FolderItem) -> bool:
        if not item.is_local:
            return user.is_admin
        if item.type == "camera":
            return item.ref_id in context.camera_names and can_view(user, item.ref_id or 0)
        if item.type == "preset":           # inside its camera, which is visible
            return item.ref_key in context.presets.get(item.ref_id or 0, set())
        if item.type == "group":
            return user.may("mosaic", item.ref_id or 0, "view")
        if item.type == "map":
            return user.may("map", item.ref_key or "", "view")
        if item.type == "device":
            return user.may("connector", item.ref_key or "", "consult")
        return True                         # sub-folders, screens, commands
    return keep


def _name(name: object) -> str:
    text = name.strip() if isinstance(name, str) else ""
    if not 1 <= len(text) <= MAX_NAME_CHARS:
        raise BadRequest(f"'name' must be a text of 1 to {MAX_NAME_CHARS} characters", key="folder_name_invalid",
                         max=MAX_NAME_CHARS)
    return text


def _not_found(uuid: str) -> NotFound:
    return NotFound(f"Folder {uuid} not found", key="folder_not_found", id=uuid)
