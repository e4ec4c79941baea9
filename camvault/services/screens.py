"""Passive screens: the list, what each shows (one camera or one mosaic, or nothing), and what a
screen's page should display to the user it is opened as.

Two ways to change what a screen shows: `put(user, ...)` (a user through the API: the user must be
allowed to view what is assigned: live right on the camera, `view` right on the mosaic) and
`show(...)` (a system action, e.g. a scenario: only existence is checked). Every change is
announced to the screen's watchers (`watch`), so open screen pages switch at once.

Screens come from the config file (`sync_config` at start; not deletable through the API) or from
an admin (`create`, `delete`). Every profile may list screens and change what they show.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, Protocol

from camvault.config import ScreenConfig
from camvault.core.errors import BadRequest, Conflict, Forbidden, NotFound
from camvault.core.model import User
from camvault.core.rights import can_play_live, require_admin
from camvault.core.screens import LOCAL_SERVER_ID, Screen, ScreenPicture
from camvault.core.tiles import Size, tile_stream
from camvault.services.cameras import CameraService, CameraView
from camvault.services.live_view import stream_candidates
from camvault.services.screen_watch import ScreenWatch, ScreenWatchers
from camvault.store.store import Store

log = logging.getLogger(__name__)

DEFAULT_SCREEN_SIZE = Size(1920, 1080)
"""The picture size a camera stream is chosen for when the screen page does not tell its own."""


class MosaicLookup(Protocol):
    """What screens need of the mosaics service."""

    def exists(self, mosaic_id: int) -> bool: ...

    def get_for(self, user: User, mosaic_id: int) -> Any: ...


@dataclass(frozen=True)
class ScreenSpec:
    """What the config file or an admin says a screen is (the id is assigned when absent)."""

    num: int
    name: str
    host: str = ""
    display_code: int | None = None
    id: int | None = None

    @classmethod
    def from_config(cls, c: ScreenConfig) -> "ScreenSpec":
        return cls(num=c.num, name=c.name, host=c.host, display_code=c.display_code, id=c.id)


class ScreenService:
    def __init__(self, store: Store, cameras: CameraService, *, mosaics: MosaicLookup | None = None) -> None:
        self._store = store
        self._cameras = cameras
        self._mosaics = mosaics
        self._lock = threading.Lock()         # a write and its announce, in order
        self.watchers = ScreenWatchers()

    # --- start-up -------------------------------------------------------------------------------
    def sync_config(self, specs: list[ScreenSpec]) -> None:
        """Apply the config file's screens: add or update them (what they show is kept), and remove
        config screens no longer in the file. An API screen with a config screen's id becomes it."""
        existing = {s.id: s for s in self._store.screens.list()}
        wanted = {spec.id for spec in specs}
        for screen in existing.values():
            if screen.origin == "config" and screen.id not in wanted:
                self._store.screens.delete(screen.id)
                log.info("screen %s (%s) removed: no longer in the config file", screen.id, screen.name)
        for spec in specs:
            clash = next((s for s in existing.values() if s.num == spec.num and s.id != spec.id), None)
            if clash is not None:
                log.warning("config screen %s has num %s, like screen %s", spec.id, spec.num, clash.id)
            screen = _built(spec, spec.id, origin="config")
            if spec.id in existing:
                self._store.screens.update_definition(screen)
            else:
                self._store.screens.insert(screen)

    # --- queries --------------------------------------------------------------------------------
    def list(self) -> list[Screen]:
        return self._store.screens.list()

    def find(self, screen_id: int) -> Screen | None:
        return self._store.screens.get(screen_id)

    def get(self, screen_id: int) -> Screen:
        screen = self._store.screens.get(screen_id)
        if screen is None:
            raise NotFound(f"Screen {screen_id} not found", key="screen_not_found", id=screen_id)
        return screen

    # --- what a screen shows --------------------------------------------------------------------
    def put(self, user: User, screen_id: int, *, camera_id: int | None = None, mosaic_id: int | None = None,
            server_id: int = LOCAL_SERVER_ID) -> Screen:
        """A user assigns a camera or a mosaic (neither: the screen goes blank). The user must be
        allowed to view it live (camera) or to view it (mosaic)."""
        screen = self.get(screen_id)
        _check_request(camera_id, mosaic_id, server_id)
        if camera_id is not None:
            self._cameras.camera_for(user, camera_id)
            if not can_play_live(user, camera_id):
                raise Forbidden(f"You may not view camera {camera_id} live", key="live_forbidden")
        if mosaic_id is not None:
            self._require_mosaic(mosaic_id)
            if not user.may("mosaic", mosaic_id, "view"):
                raise Forbidden(f"You may not view mosaic {mosaic_id}", key="screen_mosaic_forbidden",
                                id=mosaic_id)
        changed = self._assign(screen, camera_id, mosaic_id)
        log.info("screen %s shows %s (by %s)", screen_id, _what(changed), user.name)
        return changed

    def show(self, screen_id: int, *, camera_id: int | None = None, mosaic_id: int | None = None) -> Screen:
        """A system action (scenario): show `camera_id` or `mosaic_id` (neither: blank), no rights."""
        screen = self.get(screen_id)
        _check_request(camera_id, mosaic_id, LOCAL_SERVER_ID)
        if camera_id is not None and self._store.cameras.get(camera_id) is None:
            raise NotFound(f"Camera {camera_id} not found", key="camera_not_found", id=camera_id)
        if mosaic_id is not None:
            self._require_mosaic(mosaic_id)
        changed = self._assign(screen, camera_id, mosaic_id)
        log.info("screen %s shows %s (system)", screen_id, _what(changed))
        return changed

    def _assign(self, screen: Screen, camera_id: int | None, mosaic_id: int | None) -> Screen:
        changed = replace(screen.showing(camera_id=camera_id, mosaic_id=mosaic_id), server_id=LOCAL_SERVER_ID)
        with self._lock:
            if not self._store.screens.set_assignment(changed):
                raise NotFound(f"Screen {screen.id} not found", key="screen_not_found", id=screen.id)
            self.watchers.announce(screen.id, self._store.screens.get(screen.id))
        return changed

    def _require_mosaic(self, mosaic_id: int) -> None:
        if self._mosaics is None or not self._mosaics.exists(mosaic_id):
            raise NotFound(f"Mosaic {mosaic_id} not found", key="screen_mosaic_not_found", id=mosaic_id)

    # --- admin ----------------------------------------------------------------------------------
    def create(self, user: User, spec: ScreenSpec) -> Screen:
        require_admin(user)
        with self._lock:
            taken = self._store.screens.list()
            if any(s.num == spec.num for s in taken):
                raise Conflict(f"A screen with num {spec.num} already exists", key="screen_num_exists",
                               num=spec.num)
            screen = _built(spec, self._store.screens.next_id(), origin="api")
            self._store.screens.insert(screen)
        log.info("screen %s (%s) added by %s", screen.id, screen.name, user.name)
        return screen

    def delete(self, user: User, screen_id: int) -> None:
        require_admin(user)
        screen = self.get(screen_id)
        if screen.origin == "config":
            raise Conflict(f"Screen {screen_id} is defined in the config file; remove it there",
                           key="screen_from_config", id=screen_id)
        with self._lock:
            self._store.screens.delete(screen_id)
            self.watchers.announce(screen_id, None)
        log.info("screen %s removed by %s", screen_id, user.name)

    # --- the screen page ------------------------------------------------------------------------
    @contextmanager
    def watch(self, screen_id: int) -> Iterator[ScreenWatch]:
        """Be told of every change of the screen (on the calling event loop), see `ScreenWatchers`."""
        with self.watchers.watch(screen_id) as watch:
            yield watch

    def picture(self, user: User, screen: Screen, size: Size | None = None) -> ScreenPicture:
        """What the screen's page shows to `user` on a display of `size` pixels: the camera's
        lowest-quality pulled stream that covers the display (else its best one), or the mosaic."""
        if screen.camera_id is not None:
            return self._camera_picture(user, screen.camera_id, size or DEFAULT_SCREEN_SIZE)
        if screen.mosaic_id is not None:
            return self._mosaic_picture(user, screen.mosaic_id)
        return ScreenPicture(reason="Nothing to show")

    def _mosaic_picture(self, user: User, mosaic_id: int) -> ScreenPicture:
        gone = ScreenPicture(reason=f"Mosaic {mosaic_id} does not exist")
        if self._mosaics is None or not self._mosaics.exists(mosaic_id):
            return gone
        if not user.may("mosaic", mosaic_id, "view"):
            return ScreenPicture(reason=f"User {user.name} may not view mosaic {mosaic_id}")
        try:
            name = self._mosaics.get_for(user, mosaic_id).name
        except NotFound:                                   # deleted meanwhile
            return gone
        return ScreenPicture(mosaic_id=mosaic_id, caption=name)

    def _camera_picture(self, user: User, camera_id: int, size: Size) -> ScreenPicture:
        try:
            view = self._cameras.get_for(user, camera_id)
        except NotFound:
            return ScreenPicture(reason=f"Camera {camera_id} does not exist")
        except Forbidden:
            return ScreenPicture(reason=f"User {user.name} may not view camera {camera_id}")
        name = view.camera.name
        if not can_play_live(user, camera_id):
            return ScreenPicture(reason=f"User {user.name} may not view {name} live")
        if not view.camera.enabled:
            return ScreenPicture(caption=name, reason=f"{name} is disabled")
        stream = _screen_stream(view, size)
        if stream is None:
            return ScreenPicture(caption=name, reason=f"{name} has no live stream")
        return ScreenPicture(stream=(camera_id, stream), caption=name)


def _screen_stream(view: CameraView, size: Size) -> int | None:
    chosen = tile_stream(stream_candidates(view), size)
    return chosen.stream_id if chosen is not None else None


def _check_request(camera_id: int | None, mosaic_id: int | None, server_id: int) -> None:
    if server_id != LOCAL_SERVER_ID:
        raise NotFound(f"Server {server_id} not found", key="screen_server_not_found", id=server_id)
    if camera_id is not None and mosaic_id is not None:
        raise BadRequest("A screen shows a camera or a mosaic, not both", key="screen_one_target")


def _built(spec: ScreenSpec, screen_id: int, *, origin: str) -> Screen:
    name = spec.name.strip()
    if not name:
        raise BadRequest("A screen needs a name", key="screen_name_required")
    if spec.num < 0:
        raise BadRequest("A screen's num is 0 or more", key="invalid_integer", field="num")
    if spec.display_code is not None and spec.display_code < 0:
        raise BadRequest("A screen's displayCode is 0 or more", key="invalid_integer", field="displayCode")
    return Screen(id=screen_id, num=spec.num, name=name, host=spec.host.strip(), display_code=spec.display_code,
                  origin=origin)


def _what(screen: Screen) -> str:
    if screen.camera_id is not None:
        return f"camera {screen.camera_id}"
    return f"mosaic {screen.mosaic_id}" if screen.mosaic_id is not None else "nothing"


__all__ = ["ScreenService", "ScreenSpec", "MosaicLookup", "DEFAULT_SCREEN_SIZE"]
